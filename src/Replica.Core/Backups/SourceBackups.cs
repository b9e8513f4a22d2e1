using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Runs;
using Replica.Postgres.Dumps;

namespace Replica.Core.Backups;

/// <summary>One backup as `replica backups --json` and `GET /api/backups` show it.</summary>
/// <param name="Flavour">read from the file's content; "unreadable" when it cannot be (see <see cref="Problem"/>).</param>
public sealed record BackupEntry(
    string Name, string Path, string Kind, IReadOnlyList<string> Kinds, DateTimeOffset Time, long SizeBytes, string Flavour,
    DamagedBackup? Damaged, string? Problem);

/// <summary>
/// The source's backups, newest first, each with its flavour and whether a restore found it
/// damaged. A source that is not a local folder is listed through a kubernetes target that can
/// mount it.
/// </summary>
public sealed class SourceBackups(ReplicaConfig config, RunStore store, IPlatformFactory platforms)
{
    /// <param name="warn">hears about files in the backup folders that are not backups (skipped).</param>
    public async Task<IReadOnlyList<BackupEntry>> ListAsync(CancellationToken ct, Action<string>? warn = null)
    {
        var source = config.Source.DatabaseBackups;
        IReadOnlyList<Backup> backups;
        if (source.LocalPath is { } root)
        {
            var reading = new BackupCatalog(root).Read();
            foreach (var w in reading.Warnings) warn?.Invoke(w);
            backups = reading.Backups;
        }
        else
        {
            var target = config.Targets.Values.FirstOrDefault(t => t.Platform == PlatformNames.Kubernetes && !t.Protected)
                ?? throw new RefusedException("source.database_backups is not a local folder and no kubernetes target can mount it; give a folder path.");
            backups = await platforms.For(config, target).ListBackupsAsync(target, source, ct);
        }
        var damaged = store.DamagedBackups();
        return backups.Select(b =>
        {
            string flavour;
            string? problem = null;
            try { flavour = b.Inspect().Flavour.ToWire(); }
            catch (DumpFormatException e) { flavour = "unreadable"; problem = e.Message; }
            return new BackupEntry(b.Name, b.Path, b.Kind, b.Kinds, b.Time, b.SizeBytes, flavour, DamagedBackups.Find(b, damaged), problem);
        }).ToList();
    }
}
