using System.Globalization;
using System.Security.Cryptography;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Guards;
using Replica.Core.Workflows;
using Replica.Dumps.Masking;
using Replica.Media;
using Replica.Postgres.Instances;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore;
using Replica.Postgres.Restore.Masking;

namespace Replica.Local;

/// <summary>
/// A target on this machine: each database instance is a PostgreSQL server process on a free port
/// of 127.0.0.1 with its data directory in the target's folder (one per run that made it, so a
/// refresh prepares the new one beside the one that serves), its media volume is a folder, and its
/// stack is a detached session of processes on a port that stays the same across refreshes.
/// </summary>
public sealed class LocalPlatform(ReplicaConfig config) : IPlatform
{
    private const string Superuser = "postgres";
    private static readonly TimeSpan StackStopGrace = TimeSpan.FromSeconds(10);

    public string Name => LocalModule.PlatformName;

    private TargetFolders Folders(TargetConfig target) => new(config, target);

    /// <summary>The target's folders (its media volume) apart from the source's and state_dir, and none a system folder.</summary>
    public void CheckFootprint(TargetConfig target)
    {
        var media = MediaLocation(target);
        WorkflowGuards.EnsureFoldersApart(config, target, media);
        WorkflowGuards.EnsureMediaApart(target.Name, media, config.Source);
    }

    /// <summary>Only folders of this machine, and production's tag from a file or a value.</summary>
    public void CheckSources(TargetConfig target, SourceConfig source, bool readsMedia)
    {
        foreach (var (key, volume) in readsMedia
                     ? new[] { ("database_backups", source.DatabaseBackups), ("media_backup", source.MediaBackup) }
                     : [("database_backups", source.DatabaseBackups)])
            if (volume.OnPlatform is { } other)
                throw new RefusedException($"source.{key} is {other}, which only platform {other.Platform} can mount, not target '{target.Name}' on platform {Name}; give source.{key} as a folder for local targets.");
        if (source.ImageTag.OnPlatform is { } workload)
            throw new RefusedException($"source.image_tag reads production's tag from {workload} through platform {workload.Platform}, which target '{target.Name}' on platform {Name} cannot; give source.image_tag as file: PATH or value: TAG for local targets.");
    }

    public Task<string> ReadProductionImageTagAsync(PlatformSource workload, CancellationToken ct) =>
        throw new RefusedException($"source.image_tag reads production's tag from {workload} through platform {workload.Platform}, which the local platform cannot; give source.image_tag as file: PATH or value: TAG.");

    public Task<ListedBackups> ListBackupsAsync(TargetConfig target, VolumeSource backups, bool forPlan, CancellationToken ct) =>
        backups.LocalPath is { } root
            ? Task.FromResult(ListedBackups.Of(new BackupCatalog(root).List()))
            : throw new RefusedException($"source.database_backups is {backups}, which the local platform cannot read; give a folder path.");

    /// <summary>The backup is a file here: its own schema is read, and a profile that does not fit it is refused now.</summary>
    public async Task<MaskingCheck> CheckMaskingAsync(TargetConfig target, MaskingProfileSpec profile, Backup backup, CancellationToken ct)
    {
        var schema = await DumpSchemaReader.ReadAsync(backup.Path, target.Database.Name, ct: ct);
        return new MaskingCheck(MaskingPlans.For(MaskingProfile.From(profile), schema, backup.Name), $"checked against the schema of backup {backup.Name}");
    }

    public Task<bool> MediaVolumeExistsAsync(TargetConfig target, CancellationToken ct) => Task.FromResult(Directory.Exists(Folders(target).Media));

    public string MediaLocation(TargetConfig target) => Folders(target).Media;

    public async Task StopStackAsync(RunContext run)
    {
        var folders = Folders(run.Target);
        if (StackProcess.Read(folders.StackFile) is not { } stack) { run.Info("no stack running"); return; }
        var members = stack.Processes();
        if (members.Count > 0)
        {
            run.Info($"stopping the stack: {members.Count} process(es) of its session (pid {stack.Pid})");
            var killed = await stack.StopAsync(StackStopGrace);
            if (killed.Count > 0)
                run.Warn($"{killed.Count} stack process(es) ignored SIGTERM for {StackStopGrace.TotalSeconds:0} s and were killed: pid {string.Join(", ", killed.Select(k => k.Pid))}");
        }
        File.Delete(folders.StackFile);
    }

    public async Task<DatabaseEndpoint> CreateDatabaseAsync(RunContext run, string instance)
    {
        var folders = Folders(run.Target);
        var root = folders.InstanceRoot(instance);
        var record = new DatabaseRecord(PostgresInstance.FindFreePort(), Superuser, GeneratePassword(), run.Target.Database.Name);
        try
        {
            // Recorded before it exists, so that whatever interrupts the creation, the next command finds and removes it.
            record.Write(folders.RecordFile(instance));
            Directory.CreateDirectory(root);
            // It starts with bulk-load settings: nothing uses it before the restore hands it over durable.
            var server = await PostgresInstance.CreateAsync(Options(folders, instance, record) with { CreateForBulkLoad = true, PasswordFileDirectory = root }, run.Cancellation);
            run.Info($"new PostgreSQL instance {instance} on 127.0.0.1:{record.Port}, data in {folders.DataDirectory(instance)}" +
                     (folders.DatabaseRelocated ? $" (the server's account cannot enter {folders.Root}, so its volume lives under {TargetFolders.FallbackVolumes})" : "") +
                     (server.RunAsUser is { } user && Environment.IsPrivilegedProcess ? $" (server runs as the '{user}' account: PostgreSQL refuses to run as root)" : ""));
        }
        catch (IOException e) when (e.HResult == 28 || IsDiskFull(e.Message)) // ENOSPC writing the record or the password file
        {
            throw new ReplicaStepException(DiskFull.Describe(folders.Volumes, "the database volume", e.Message), e);
        }
        catch (PostgresInstanceException e)
        {
            throw new ReplicaStepException(IsDiskFull(e.Message)
                ? DiskFull.Describe(folders.Volumes, "the database volume", $"initdb: {e.Message}")
                : $"The database instance could not be created: {e.Message}", e);
        }
        return record.Endpoint;
    }

    public async Task<RestoreSummary> RestoreDatabaseAsync(RunContext run, Backup backup, string instance)
    {
        var folders = Folders(run.Target);
        var record = DatabaseRecord.Read(folders.RecordFile(instance)) ?? throw new ReplicaStepException($"The database instance {instance} is missing; it was removed while the run went on.");
        var server = PostgresInstance.Open(Options(folders, instance, record));
        await server.UseBulkLoadSettingsAsync(run.Cancellation);
        RestoreReport report;
        try
        {
            var options = new RestoreOptions(backup.Path, "127.0.0.1", record.Port, record.Superuser, record.Password)
            {
                Database = run.Target.Database.Name,
                Owner = run.Target.Database.Owner,
                Jobs = Math.Max(2, Environment.ProcessorCount),
                Masking = run.Target.Masking is { } profile ? MaskingProfile.From(profile) : null,
            };
            report = await new RestoreEngine().RunAsync(options, ProgressAdapters.Restore(run), line => run.Info(line), run.Cancellation);
        }
        catch (RestoreException e)
        {
            // The instance is left as it is: the run's undo removes it, it is never presented as usable.
            var full = IsDiskFull(e.Message);
            throw new ReplicaStepException(full ? DiskFull.Describe(folders.Volumes, "the database volume", e.Message) : e.Message, e)
            {
                BackupDamaged = !full && BackupDamage.IsDamage(e),
            };
        }
        foreach (var m in report.Masked)
            run.Info($"masked {m.Values:N0} values of {m.Database}.{m.Table}.{m.Column} with {m.Transformer}{(m.Verified ? "; none of the source's values is left in it" : "")}");
        run.Info("handing the instance over durable (fsync on, flushed, checkpointed)");
        await server.UseDurableSettingsAsync(run.Cancellation);
        return RestoreReports.ToSummary(report);
    }

    public string? Unsupported(TargetConfig target) => null;

    /// <summary>Processes and folders have no manifests to show; `plan start` says what a start does.</summary>
    public string? RenderStart(TargetConfig target, string imageTag, string tagSource, string? backupPath, bool dbOnly, string runLabel) => null;

    public async Task RunAfterRestoreAsync(RunContext run, AfterRestoreStep step, string instance)
    {
        var folders = Folders(run.Target);
        var record = DatabaseRecord.Read(folders.RecordFile(instance)) ?? throw new ReplicaStepException($"The database instance {instance} is missing; start the target again.");
        if (step.Sql is { } sql)
        {
            var database = step.Database ?? run.Target.Database.Name;
            await using var c = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1", Port = record.Port, Username = record.Superuser, Password = record.Password, Database = database, Pooling = false,
            }.ConnectionString);
            try
            {
                await c.OpenAsync(run.Cancellation);
                await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
                var rows = await cmd.ExecuteNonQueryAsync(run.Cancellation);
                run.Info($"{step.Describe()}: {(rows >= 0 ? $"{rows} row(s)" : "done")}");
            }
            catch (Npgsql.NpgsqlException e)
            {
                throw new ReplicaStepException($"The after_restore SQL in database {database} failed: {e.Message.TrimEnd('.')}; fix targets.{run.Target.Name}.after_restore.", e);
            }
            return;
        }
        var env = StackEnvironment(run, folders, record.Endpoint, run.Target.Name, imageTag: "", port: 0);
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = Path.GetDirectoryName(config.ConfigPath)!,
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(step.Command!);
        foreach (var (k, v) in env) if (k is not ("PORT" or "STACK_IMAGE_TAG")) psi.Environment[k] = v;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var tail = new Queue<string>();
        async Task Pump(StreamReader r)
        {
            while (await r.ReadLineAsync() is { } line)
            {
                run.Info($"| {line}");
                lock (tail) { tail.Enqueue(line); if (tail.Count > 3) tail.Dequeue(); }
            }
        }
        var pumps = Task.WhenAll(Pump(p.StandardOutput), Pump(p.StandardError));
        try { await p.WaitForExitAsync(run.Cancellation); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw; }
        await pumps;
        if (p.ExitCode != 0)
            throw new ReplicaStepException($"The after_restore command '{step.Command}' exited {p.ExitCode} ({string.Join(" | ", tail)}); fix it or targets.{run.Target.Name}.after_restore.");
    }

    private static Dictionary<string, string> StackEnvironment(RunContext run, TargetFolders folders, DatabaseEndpoint database, string target, string imageTag, int port) => new()
    {
        ["REPLICA_TARGET"] = target,
        ["STACK_IMAGE_TAG"] = imageTag,
        ["DATABASE_URL"] = database.Url,
        ["PGHOST"] = database.Host,
        ["PGPORT"] = database.Port.ToString(CultureInfo.InvariantCulture),
        ["PGDATABASE"] = database.Database,
        ["PGUSER"] = database.User,
        ["PGPASSWORD"] = database.Password,
        ["MEDIA_ROOT"] = folders.Media,
        ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
    };

    public async Task<StackEndpoint?> StartStackAsync(RunContext run, string imageTag, string instance)
    {
        var folders = Folders(run.Target);
        await StopStackAsync(run);
        if (run.Target.Stack?.Command is not { } command)
        {
            run.Info("no stack configured (targets.<name>.stack.command); skipping");
            return null;
        }
        var record = DatabaseRecord.Read(folders.RecordFile(instance)) ?? throw new ReplicaStepException($"The database instance {instance} is missing; start the target again.");
        var database = record.Endpoint;
        var stack = run.Target.Stack;
        var port = await StackPortAsync(run, folders);
        var text = port.ToString(CultureInfo.InvariantCulture);
        var env = StackEnvironment(run, folders, database, run.Target.Name, imageTag, port);
        Directory.CreateDirectory(folders.Root);
        Directory.CreateDirectory(folders.Media);
        var url = $"http://127.0.0.1:{text}/";
        var process = StackProcess.Start(command, env, folders.StackLog, port, url, imageTag, instance);
        process.Write(folders.StackFile);
        run.Info($"stack started (pid {process.Pid}, port {port}, image tag {imageTag}, database {instance}); its output goes to {folders.StackLog}");
        if (stack.ReadyUrl is { } ready)
            await StackReadiness.WaitAsync(run, process, ready.Replace("{port}", text), TimeSpan.FromSeconds(stack.ReadyTimeoutSeconds), folders.StackLog);
        return new StackEndpoint(url);
    }

    /// <summary>The target's stack port: chosen once and kept, so the stack's URL survives refreshes.</summary>
    private static async Task<int> StackPortAsync(RunContext run, TargetFolders folders)
    {
        if (File.Exists(folders.StackPortFile) && int.TryParse(File.ReadAllText(folders.StackPortFile).Trim(), CultureInfo.InvariantCulture, out var kept))
        {
            // The previous stack has just been stopped; its listening socket may take a moment to close.
            for (var i = 0; i < 100 && !PortIsFree(kept); i++) await Task.Delay(20, run.Cancellation);
            if (PortIsFree(kept)) return kept;
            run.Warn($"the stack's port {kept} is taken by another program; the stack moves to a new port (its URL changes)");
        }
        var port = PostgresInstance.FindFreePort();
        Directory.CreateDirectory(folders.Root);
        File.WriteAllText(folders.StackPortFile, port.ToString(CultureInfo.InvariantCulture));
        return port;
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException) { return false; }
    }

    public async Task<MediaSummary> SyncMediaAsync(RunContext run, MediaDeletionLimit limit)
    {
        var source = config.Source.MediaBackup.LocalPath
            ?? throw new RefusedException($"source.media_backup is {config.Source.MediaBackup}, which the local platform cannot read; give a folder path.");
        var dest = Folders(run.Target).Media;
        if (!limit.AllowEmptySource) Replica.Core.Guards.MediaSourceGuard.EnsureNotEmpty(config.Source.MediaBackup, dest, run.Target.Name);
        // The stack's start creates the folder (its MEDIA_ROOT), so "exists" means "holds something".
        var existed = Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any();
        run.Info(existed ? $"media volume {dest} exists: copying only what differs from {source}" : $"media volume {dest} is new: copying everything from {source}");
        try
        {
            var options = new SyncOptions
            {
                MaxDeletePercent = limit.MaxDeletePercent >= 100 ? null : limit.MaxDeletePercent,
                AllowEmptySource = limit.AllowEmptySource,
            };
            var s = await MediaSync.RunAsync(source, dest, options, ProgressAdapters.Media(run), w => run.Warn(w), run.Cancellation);
            return new MediaSummary(s.FilesCopied, s.FilesUpdated, s.FilesDeleted, s.FilesUnchanged, s.DirsCreated, s.DirsDeleted,
                s.SymlinksWritten, s.Skipped, s.BytesCopied, s.Seconds);
        }
        catch (MediaDeletionRefusedException e)
        {
            throw new RefusedException(e.Sentence($"run 'replica start {run.Target.Name} --allow-media-delete' if the media should really go, or raise targets.{run.Target.Name}.media.max_delete_percent"));
        }
        catch (MediaPathRefusedException e)
        {
            throw new RefusedException(e.Message);
        }
        catch (MediaSyncException e)
        {
            throw new ReplicaStepException(e.Message, e);
        }
    }

    public async Task RemoveDatabaseAsync(RunContext run, string instance)
    {
        var folders = Folders(run.Target);
        var data = folders.DataDirectory(instance);
        var record = DatabaseRecord.Read(folders.RecordFile(instance));
        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            var server = PostgresInstance.Open(Options(folders, instance, record ?? new DatabaseRecord(0, Superuser, "", run.Target.Database.Name)));
            if (server.IsRunning)
            {
                run.Info($"stopping database instance {instance} (pid {server.ProcessId})");
                await server.StopAsync(CancellationToken.None);
            }
        }
        var root = folders.InstanceRoot(instance);
        if (Directory.Exists(root) && instance != Core.Workflows.TargetReconciler.LegacyInstance)
        {
            run.Info($"deleting database instance {instance} ({root})");
            MediaVolume.Delete(root);
        }
        else if (Directory.Exists(data))
        {
            run.Info($"deleting database instance {instance} ({data})");
            MediaVolume.Delete(data);
        }
        if (folders.DatabaseRelocated) RemoveEmptyParents(root, TargetFolders.FallbackVolumes);
        File.Delete(folders.RecordFile(instance));
        File.Delete(folders.RecordFile(instance) + ".new");
    }

    public Task<IReadOnlyList<string>> ListDatabasesAsync(TargetConfig target, CancellationToken ct) =>
        Task.FromResult(Folders(target).Instances());

    public Task RemoveMediaAsync(RunContext run)
    {
        var media = Folders(run.Target).Media;
        if (Directory.Exists(media))
        {
            run.Info($"deleting the media volume {media}");
            MediaVolume.Delete(media);
        }
        return Task.CompletedTask;
    }

    public Task RemoveTargetAsync(RunContext run)
    {
        var folders = Folders(run.Target);
        if (Directory.Exists(folders.Root))
        {
            run.Info($"deleting {folders.Root}");
            MediaVolume.Delete(folders.Root);
        }
        if (folders.DatabaseRelocated && Directory.Exists(folders.Volumes))
        {
            MediaVolume.Delete(folders.Volumes);
            RemoveEmptyParents(folders.Volumes, TargetFolders.FallbackVolumes);
        }
        return Task.CompletedTask;
    }

    public async Task RepairAsync(TargetConfig target, string? current, Action<string> report, CancellationToken ct)
    {
        var folders = Folders(target);
        if (StackProcess.Read(folders.StackFile) is { IsAlive: true } serving && serving.Instance is { } uses && uses != current)
        {
            // A switch cut short: the stack was started on an instance that never became the target's.
            var killed = await serving.StopAsync(StackStopGrace);
            File.Delete(folders.StackFile);
            report($"stopped the stack (pid {serving.Pid}) started on database instance {uses}, which an interrupted run never switched to{(killed.Count > 0 ? $" ({killed.Count} process(es) with SIGKILL)" : "")}");
        }
        else if (StackProcess.Read(folders.StackFile) is { } stack && !stack.IsAlive)
        {
            // The stack's shell is gone; whatever it left in its session goes too, and so does the record.
            var left = stack.Processes();
            if (left.Count > 0)
            {
                var killed = await stack.StopAsync(StackStopGrace);
                report($"the stack's shell (pid {stack.Pid}) is gone; stopped the {left.Count} process(es) it left{(killed.Count > 0 ? $" ({killed.Count} with SIGKILL)" : "")}");
            }
            File.Delete(folders.StackFile);
        }
        else if (File.Exists(folders.StackFile) && StackProcess.Read(folders.StackFile) is null)
        {
            File.Delete(folders.StackFile);
            report("removed a stack record cut off by an interrupted run");
        }
        // initdb's password file of a run killed while initdb ran (kept inside the instance's folder, which goes with it;
        // a file left by an older replica in the shared temporary folder is removed here).
        var strays = Directory.Exists(folders.Volumes)
            ? Directory.EnumerateFiles(folders.Volumes, PostgresInstance.PasswordFilePrefix + "*", SearchOption.AllDirectories).ToList()
            : [];
        // Older replicas wrote it to the shared temporary folder (top level only, by their own prefix).
        strays.AddRange(Directory.EnumerateFiles(Path.GetTempPath(), "replica-pw-*", SearchOption.TopDirectoryOnly)
            .Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow.AddHours(-1)));
        foreach (var stray in strays)
        {
            File.Delete(stray);
            report($"removed a password file left by an interrupted run ({stray})");
        }
    }

    public Task<PlatformState> ReadStateAsync(TargetConfig target, string? instance, CancellationToken ct)
    {
        var folders = Folders(target);
        DatabaseRecord? record = null;
        var dbRunning = false;
        if (instance is not null)
        {
            record = DatabaseRecord.Read(folders.RecordFile(instance));
            var data = folders.DataDirectory(instance);
            try
            {
                dbRunning = record is not null && File.Exists(Path.Combine(data, "PG_VERSION")) && PostgresInstance.Open(Options(folders, instance, record)).IsRunning;
            }
            catch (Exception e) when (e is PostgresInstanceException or IOException or UnauthorizedAccessException)
            {
                dbRunning = false;
            }
        }
        var stack = StackProcess.Read(folders.StackFile);
        var stackRunning = stack?.IsAlive == true;
        return Task.FromResult(new PlatformState(dbRunning, record?.Endpoint, stackRunning, stack is null ? null : new StackEndpoint(stack.Url),
            Directory.Exists(folders.Media), folders.Media));
    }

    public Task<DatabaseFootprint> DatabaseFootprintAsync(TargetConfig target, string? instance, CancellationToken ct)
    {
        var folders = Folders(target);
        long? used = null;
        if (instance is not null && Directory.Exists(folders.DataDirectory(instance)))
        {
            try
            {
                used = new DirectoryInfo(folders.DataDirectory(instance))
                    .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
                    .Sum(f => f.Length);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return Task.FromResult(new DatabaseFootprint(used, DiskFull.FreeBytes(folders.Volumes), folders.Volumes));
    }

    private static bool IsDiskFull(string message) =>
        message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) || message.Contains("could not extend file", StringComparison.OrdinalIgnoreCase);

    private static void RemoveEmptyParents(string path, string stopAt)
    {
        for (var d = Path.GetDirectoryName(path); d is not null && d.StartsWith(stopAt + "/", StringComparison.Ordinal); d = Path.GetDirectoryName(d))
        {
            if (!Directory.Exists(d) || Directory.EnumerateFileSystemEntries(d).Any()) break;
            Directory.Delete(d);
        }
    }

    private static PostgresInstanceOptions Options(TargetFolders folders, string instance, DatabaseRecord record) =>
        new(folders.DataDirectory(instance), record.Port, record.Superuser, record.Password);

    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);
}
