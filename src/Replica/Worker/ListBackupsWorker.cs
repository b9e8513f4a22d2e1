using Replica.Core;
using Replica.Core.Backups;
using Replica.Kubernetes.Workers;
using Replica.Kubernetes.Workers.Protocol;
using Replica.Dumps;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker list-backups --root DIR [--json]`: the backup catalogue of a folder, with
/// each backup's flavour read from its content. The kubernetes platform runs it in a short Job,
/// because the backup volume is often mountable only inside the cluster.
/// </summary>
public static class ListBackupsWorker
{
    public static Task<int> RunAsync(WorkerArgs args, CancellationToken ct)
    {
        args.RejectUnknown("root", "json");
        var root = args.Required("root");
        var output = new WorkerOutput("list-backups", args.Flag("json"));
        IReadOnlyList<Backup> backups;
        try
        {
            backups = new BackupCatalog(root).List();
        }
        catch (RefusedException e)
        {
            output.Stop(e.Message);
            return Task.FromResult(2);
        }
        var inspected = new List<Backup>(backups.Count);
        foreach (var b in backups)
        {
            ct.ThrowIfCancellationRequested();
            try { inspected.Add(b with { Dump = b.Inspect() }); }
            catch (DumpFormatException e)
            {
                // Listed without a flavour: choosing this backup then fails with this message.
                output.Message($"warning: {e.Message}");
                inspected.Add(b);
            }
        }
        output.Summary(BackupListing.Document(root, inspected), WorkerJson.Default.BackupListingDocument,
            _ => string.Join('\n', inspected.Select(b =>
                $"{b.Time:yyyy-MM-dd HH:mm:ss}Z  {b.Kind,-7}  {Size.Format(b.SizeBytes),10}  {b.Dump?.Flavour.ToWire() ?? "unreadable",-13}  {b.Name}")));
        return Task.FromResult(0);
    }
}
