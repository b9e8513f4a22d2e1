using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Runs;
using Replica.Dumps;

namespace Replica.Core.Backups;

/// <summary>One backup as `replica backups --json` and `GET /api/backups` show it.</summary>
/// <param name="Flavour">read from the file's content; "unreadable" when it cannot be (see <see cref="Problem"/>).</param>
public sealed record BackupEntry(
    string Name, string Path, string Kind, IReadOnlyList<string> Kinds, DateTimeOffset Time, long SizeBytes, string Flavour,
    DamagedBackup? Damaged, string? Problem);

/// <summary>
/// The source's backups, newest first, each with its flavour and whether a restore found it
/// damaged. A source that is not a local folder is listed through a target of the platform that
/// made it; as plan does, so nothing is left changed and nothing (a namespace) is created for it.
/// </summary>
public sealed class SourceBackups(ReplicaConfig config, RunStore store, IPlatformFactory platforms)
{
    /// <param name="warn">hears about files in the backup folders that are not backups (skipped).</param>
    /// <param name="changed">hears what listing did on a platform and undid (a Job on a cluster).</param>
    public async Task<IReadOnlyList<BackupEntry>> ListAsync(CancellationToken ct, Action<string>? warn = null, Action<string>? changed = null)
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
            var owner = source.OnPlatform!.Platform;
            var target = config.Targets.Values.FirstOrDefault(t => t.Platform == owner && !t.Protected)
                ?? throw new RefusedException($"source.database_backups is {source}, which only a target on platform {owner} can mount, and there is none; add one, or give a folder path.");
            var listing = await platforms.For(config, target).ListBackupsAsync(target, source, forPlan: true, ct);
            if (listing.Changes is { } changes) changed?.Invoke(changes);
            backups = listing.Backups ?? throw new RefusedException($"The backups of {source} cannot be listed yet: {listing.Unlisted}");
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
