using k8s;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Progress;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;
using Replica.Kubernetes.Workers;

namespace Replica.Kubernetes.Parts;

/// <summary>
/// Lists the backup volume from inside the cluster (it is often only mountable there) with a
/// short read-only Job running `replica worker list-backups`, deleted again afterwards.
/// </summary>
public sealed class BackupVolumeListing(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    public async Task<IReadOnlyList<Backup>> ListAsync(CancellationToken ct)
    {
        var run = $"list-{DateTime.UtcNow:yyyyMMddHHmmss}-{Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 2).ToLowerInvariant()}";
        var job = WorkerJobs.ListBackups(t, run); // refuses a source a cluster cannot mount, before anything is created
        await new TargetNamespace(k, t).EnsureAsync(run, _ => { }, ct);
        var logLines = new List<string>();
        void Log(LogLevel level, string line) { if (level >= LogLevel.Warning) logLines.Add(line); }
        try
        {
            string log;
            try
            {
                log = await new WorkerJobRun(k, t.Namespace, options.UnboundClaimGrace).RunAsync(job, "list-backups", options.ListBackupsTimeout, Log, ct);
            }
            catch (Replica.Core.Workflows.ReplicaStepException e)
            {
                // The worker refuses in one sentence (no backups, a name without a time); say it in the source's terms.
                var said = logLines.Select(l => l.TrimStart(' ', '|')).LastOrDefault(l => l.StartsWith("replica worker list-backups: ", StringComparison.Ordinal) && !l.Contains("warning:", StringComparison.Ordinal));
                throw new RefusedException(said is null
                    ? e.Message
                    : $"Listing the database backups on {t.DatabaseBackups} (mounted at {ClusterTarget.BackupsMount} in a Job): {InSourceTerms(said["replica worker list-backups: ".Length..])}");
            }
            var listing = WorkerLog.Summary(log, Workers.Protocol.WorkerJson.Default.BackupListingDocument)
                ?? throw new RefusedException($"The list-backups Job in namespace {t.Namespace} printed no list; run it by hand with 'kubectl -n {t.Namespace} logs job/{job.Metadata.Name}' to see why.");
            return BackupListing.Read(listing, ClusterTarget.BackupsMount);
        }
        finally
        {
            await new LabelledDeletion(k, t.Namespace, _ => { })
                .DeleteWorkloadsAsync($"{ReplicaLabels.Job}={job.Metadata.Name}", options.DeletionTimeout, CancellationToken.None);
        }
    }

    private string InSourceTerms(string message) => message.Replace(ClusterTarget.BackupsMount, t.DatabaseBackups.ToString(), StringComparison.Ordinal);
}
