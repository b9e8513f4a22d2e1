using k8s;
using k8s.Models;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Parts;

namespace Replica.Kubernetes.Cleanup;

/// <summary>
/// What a run that was killed (or whose undo could not finish) left in the namespace, besides
/// database instances (the Core removes those first): worker Jobs of runs that left no instance,
/// a stack started on an instance that is gone, the Service `database` selecting an instance that
/// is gone, the Service and Secret `database` with no instance at all, and list-backups Jobs
/// whose lister is long gone. Runs only with the target's lock held, so no live run's objects are
/// here (a run repairs before its first step); a list-backups Job may belong to a concurrent plan,
/// so only one older than the lister's own timeout is removed.
/// </summary>
public sealed class Leftovers(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    public async Task RepairAsync(Action<string> report, CancellationToken ct)
    {
        var delete = new LabelledDeletion(k, t.Namespace, _ => { });
        var instances = await new DatabaseInstance(k, t, options).ListAsync(ct);
        var runs = instances.Select(ReplicaLabels.RunValue).ToHashSet(StringComparer.Ordinal);

        var workers = new List<V1Job>();
        foreach (var component in Components.InstanceJobs.Append(Components.SyncMedia)) workers.AddRange(await JobsAsync(component, ct));
        foreach (var job in workers)
        {
            var run = ReplicaLabels.Value(job.Metadata, ReplicaLabels.Run);
            if (run is null || runs.Contains(run)) continue;
            report($"removing Job {job.Metadata.Name}: the run {run} that made it did not finish and left no database instance");
            await delete.DeleteWorkloadsAsync($"{ReplicaLabels.Job}={job.Metadata.Name}", options.DeletionTimeout, ct);
        }

        var abandoned = DateTime.UtcNow - options.ListBackupsTimeout - options.DeletionTimeout;
        foreach (var job in await JobsAsync(Components.ListBackups, ct))
        {
            if (job.Metadata.CreationTimestamp is not { } created || created.ToUniversalTime() > abandoned) continue;
            report($"removing Job {job.Metadata.Name}: the listing of backups that made it ended long ago without removing it");
            await delete.DeleteWorkloadsAsync($"{ReplicaLabels.Job}={job.Metadata.Name}", options.DeletionTimeout, ct);
        }

        var stack = new StackWorkload(k, t, options);
        if ((await stack.InstancesAsync(ct)).Any(i => i is not null && !runs.Contains(i)))
        {
            report("stopping the stack: it was started on a database instance that an interrupted run left and that is removed; start the target again to run it");
            await stack.StopAsync(_ => { }, ct, keepService: true);
        }

        var access = new DatabaseAccess(k, t);
        if (instances.Count == 0)
        {
            if (await access.ExistsAsync(ct))
            {
                report($"removing Service and Secret {ObjectNames.Database}: no database instance is left");
                await access.RemoveAsync(_ => { }, ct);
            }
        }
        else if (instances is [var only] && only != DatabaseInstance.Legacy
                 && await access.SelectedInstanceAsync(ct) is { } selected && selected != ReplicaLabels.RunValue(only))
        {
            report($"Service {ObjectNames.Database} selected database instance {selected}, which is gone; it selects {only} again");
            await access.PointAtAsync(only, only, _ => { }, ct);
        }
    }

    private async Task<IEnumerable<V1Job>> JobsAsync(string component, CancellationToken ct) =>
        (await k.BatchV1.ListNamespacedJobAsync(t.Namespace, labelSelector: ReplicaLabels.Select(t.Name, component), cancellationToken: ct)).Items
            .Where(j => j.Metadata.DeletionTimestamp is null);
}
