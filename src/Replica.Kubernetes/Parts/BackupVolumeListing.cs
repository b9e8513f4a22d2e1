using k8s;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Platforms;
using Replica.Core.Progress;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;
using Replica.Kubernetes.Workers;

namespace Replica.Kubernetes.Parts;

/// <summary>
/// Lists the backup volume from inside the cluster (it is often only mountable there) with a
/// short read-only Job running `replica worker list-backups`, deleted again afterwards (and said so).
/// </summary>
public sealed class BackupVolumeListing(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    /// <param name="forPlan">never create the namespace: when it is missing, the backups are not listed (a start creates it and lists them then).</param>
    public async Task<ListedBackups> ListAsync(bool forPlan, CancellationToken ct)
    {
        var run = $"list-{DateTime.UtcNow:yyyyMMddHHmmss}-{Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 2).ToLowerInvariant()}";
        var job = WorkerJobs.ListBackups(t, run); // refuses a source a cluster cannot mount, before anything is created
        if (forPlan)
        {
            if (await new TargetNamespace(k, t).MissingAsync(ct) is { } missing)
                return new ListedBackups(null, Unlisted: $"{missing}, and listing the backups needs a Job in it; start creates the namespace and lists the backups then");
        }
        else await new TargetNamespace(k, t).EnsureAsync(run, _ => { }, ct);
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
            return new ListedBackups(BackupListing.Read(listing, ClusterTarget.BackupsMount),
                $"ran Job {job.Metadata.Name} in namespace {t.Namespace} to list the backups and removed it");
        }
        finally
        {
            await new LabelledDeletion(k, t.Namespace, _ => { })
                .DeleteWorkloadsAsync($"{ReplicaLabels.Job}={job.Metadata.Name}", options.DeletionTimeout, CancellationToken.None);
        }
    }

    private string InSourceTerms(string message) => message.Replace(ClusterTarget.BackupsMount, t.DatabaseBackups.ToString(), StringComparison.Ordinal);
}
