using System.Security.Cryptography;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Workflows;
using Replica.Media;
using Replica.Postgres.Instances;
using Replica.Postgres.Restore;

namespace Replica.Local;

/// <summary>
/// A target on this machine: its database is a PostgreSQL server process on a free port of
/// 127.0.0.1 with its data directory in the target's folder, its media volume is a folder,
/// and its stack is a detached process.
/// </summary>
public sealed class LocalPlatform(ReplicaConfig config) : IPlatform
{
    private const string Superuser = "postgres";

    public string Name => PlatformNames.Local;

    private TargetFolders Folders(TargetConfig target) => new(config, target);

    public Task<string?> ReadProductionImageTagAsync(KubernetesWorkloadRef workload, CancellationToken ct) => Task.FromResult<string?>(null);

    public Task<IReadOnlyList<Backup>> ListBackupsAsync(TargetConfig target, VolumeSource backups, CancellationToken ct) =>
        backups.LocalPath is { } root
            ? Task.FromResult(new BackupCatalog(root).List())
            : throw new RefusedException($"source.database_backups is {backups}, which the local platform cannot read; give a folder path.");

    public Task<bool> MediaVolumeExistsAsync(TargetConfig target, CancellationToken ct) => Task.FromResult(Directory.Exists(Folders(target).Media));

    public string MediaLocation(TargetConfig target) => Folders(target).Media;

    public async Task StopStackAsync(RunContext run)
    {
        var folders = Folders(run.Target);
        if (StackProcess.Read(folders.StackFile) is not { } stack) { run.Info("no stack running"); return; }
        if (stack.IsAlive)
        {
            run.Info($"stopping the stack (pid {stack.Pid})");
            await stack.StopAsync(TimeSpan.FromSeconds(10));
        }
        if (File.Exists(folders.StackFile)) File.Delete(folders.StackFile);
    }

    public async Task<DatabaseEndpoint> CreateDatabaseAsync(RunContext run)
    {
        var folders = Folders(run.Target);
        await RemoveDatabaseAsync(run);
        Directory.CreateDirectory(folders.Root);
        var record = new DatabaseRecord(PostgresInstance.FindFreePort(), Superuser, GeneratePassword(), run.Target.Database.Name);
        record.Write(folders.DatabaseFile);
        try
        {
            // It starts with bulk-load settings: nothing uses it before the restore hands it over durable.
            var instance = await PostgresInstance.CreateAsync(Options(folders, record) with { CreateForBulkLoad = true }, run.Cancellation);
            run.Info($"new PostgreSQL instance on 127.0.0.1:{record.Port}, data in {folders.Database}" +
                     (folders.DatabaseRelocated ? $" (the server's account cannot enter {folders.Root}, so its volume lives under {TargetFolders.FallbackVolumes})" : "") +
                     (instance.RunAsUser is { } user && Environment.IsPrivilegedProcess ? $" (server runs as the '{user}' account: PostgreSQL refuses to run as root)" : ""));
        }
        catch (PostgresInstanceException e)
        {
            throw new ReplicaStepException($"The database instance could not be created: {e.Message}", e);
        }
        return record.Endpoint;
    }

    public async Task<RestoreSummary> RestoreDatabaseAsync(RunContext run, Backup backup, DatabaseEndpoint database)
    {
        var folders = Folders(run.Target);
        var record = DatabaseRecord.Read(folders.DatabaseFile) ?? throw new ReplicaStepException("The database instance is missing; it was removed while the run went on.");
        var instance = PostgresInstance.Open(Options(folders, record));
        await instance.UseBulkLoadSettingsAsync(run.Cancellation);
        RestoreReport report;
        try
        {
            var options = new RestoreOptions(backup.Path, database.Host, database.Port, database.User, database.Password)
            {
                Database = run.Target.Database.Name,
                Owner = run.Target.Database.Owner,
                Jobs = Math.Max(2, Environment.ProcessorCount),
            };
            report = await new RestoreEngine().RunAsync(options, ProgressAdapters.Restore(run), line => run.Info(line), run.Cancellation);
        }
        catch (RestoreException e)
        {
            throw new ReplicaStepException(e.Message, e);
        }
        finally
        {
            // Hand the instance over durable even after a failed restore: someone may inspect it.
            await instance.UseDurableSettingsAsync(CancellationToken.None);
        }
        return RestoreReports.ToSummary(report);
    }

    public async Task<StackEndpoint?> StartStackAsync(RunContext run, string imageTag, DatabaseEndpoint database)
    {
        var folders = Folders(run.Target);
        if (run.Target.Stack?.Command is not { } command)
        {
            run.Info("no stack configured (targets.<name>.stack.command); skipping");
            return null;
        }
        var stack = run.Target.Stack;
        var port = PostgresInstance.FindFreePort();
        var env = new Dictionary<string, string>
        {
            ["REPLICA_TARGET"] = run.Target.Name,
            ["STACK_IMAGE_TAG"] = imageTag,
            ["DATABASE_URL"] = database.Url,
            ["PGHOST"] = database.Host,
            ["PGPORT"] = database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = database.Database,
            ["PGUSER"] = database.User,
            ["PGPASSWORD"] = database.Password,
            ["MEDIA_ROOT"] = folders.Media,
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Directory.CreateDirectory(folders.Root);
        Directory.CreateDirectory(folders.Media);
        var url = $"http://127.0.0.1:{port}/";
        var process = StackProcess.Start(command, env, folders.StackLog, port, url, imageTag);
        process.Write(folders.StackFile);
        run.Info($"stack started (pid {process.Pid}, port {port}, image tag {imageTag}); its output goes to {folders.StackLog}");
        if (stack.ReadyUrl is { } ready)
            await StackReadiness.WaitAsync(run, process, ready.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                TimeSpan.FromSeconds(stack.ReadyTimeoutSeconds), folders.StackLog);
        return new StackEndpoint(url);
    }

    public async Task<MediaSummary> SyncMediaAsync(RunContext run)
    {
        var source = config.Source.MediaBackup.LocalPath
            ?? throw new RefusedException($"source.media_backup is {config.Source.MediaBackup}, which the local platform cannot read; give a folder path.");
        var dest = Folders(run.Target).Media;
        // The stack's start creates the folder (its MEDIA_ROOT), so "exists" means "holds something".
        var existed = Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any();
        run.Info(existed ? $"media volume {dest} exists: copying only what differs from {source}" : $"media volume {dest} is new: copying everything from {source}");
        try
        {
            var s = await MediaSync.RunAsync(source, dest, new SyncOptions(), ProgressAdapters.Media(run), w => run.Warn(w), run.Cancellation);
            return new MediaSummary(s.FilesCopied, s.FilesUpdated, s.FilesDeleted, s.FilesUnchanged, s.DirsCreated, s.DirsDeleted,
                s.SymlinksWritten, s.Skipped, s.BytesCopied, s.Seconds);
        }
        catch (MediaSyncException e)
        {
            throw new ReplicaStepException(e.Message, e);
        }
    }

    public async Task RemoveDatabaseAsync(RunContext run)
    {
        var folders = Folders(run.Target);
        var record = DatabaseRecord.Read(folders.DatabaseFile);
        if (record is not null && Directory.Exists(folders.Database))
        {
            var instance = PostgresInstance.Open(Options(folders, record));
            if (instance.IsRunning)
            {
                run.Info($"stopping the database instance (pid {instance.ProcessId})");
                await instance.StopAsync(CancellationToken.None);
            }
        }
        if (Directory.Exists(folders.Database))
        {
            run.Info($"deleting the database volume {folders.Database}");
            Directory.Delete(folders.Database, recursive: true);
        }
        if (folders.DatabaseRelocated) RemoveEmptyParents(folders.Database, TargetFolders.FallbackVolumes);
        if (File.Exists(folders.DatabaseFile)) File.Delete(folders.DatabaseFile);
    }

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
        var root = Folders(run.Target).Root;
        if (Directory.Exists(root))
        {
            run.Info($"deleting {root}");
            MediaVolume.Delete(root);
        }
        return Task.CompletedTask;
    }

    public Task<PlatformState> ReadStateAsync(TargetConfig target, CancellationToken ct)
    {
        var folders = Folders(target);
        var record = DatabaseRecord.Read(folders.DatabaseFile);
        var dbRunning = record is not null && Directory.Exists(folders.Database) && PostgresInstance.Open(Options(folders, record)).IsRunning;
        var stack = StackProcess.Read(folders.StackFile);
        var stackRunning = stack?.IsAlive == true;
        return Task.FromResult(new PlatformState(dbRunning, record?.Endpoint, stackRunning, stack is null ? null : new StackEndpoint(stack.Url),
            Directory.Exists(folders.Media), folders.Media));
    }

    private static void RemoveEmptyParents(string path, string stopAt)
    {
        for (var d = Path.GetDirectoryName(path); d is not null && d.StartsWith(stopAt + "/", StringComparison.Ordinal); d = Path.GetDirectoryName(d))
        {
            if (!Directory.Exists(d) || Directory.EnumerateFileSystemEntries(d).Any()) break;
            Directory.Delete(d);
        }
    }

    private static PostgresInstanceOptions Options(TargetFolders folders, DatabaseRecord record) =>
        new(folders.Database, record.Port, record.Superuser, record.Password);

    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);
}
