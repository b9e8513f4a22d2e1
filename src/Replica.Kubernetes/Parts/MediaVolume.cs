using k8s;
using k8s.Autorest;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Parts;

/// <summary>The target's media claim: created once, kept across stops, removed only on request.</summary>
public sealed class MediaVolume(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    public async Task<bool> ExistsAsync(CancellationToken ct) =>
        await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(t.MediaClaim, t.Namespace, cancellationToken: ct)) is { } c
        && c.Metadata.DeletionTimestamp is null;

    public async Task EnsureAsync(string run, Action<string> log, CancellationToken ct)
    {
        var existing = await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(t.MediaClaim, t.Namespace, cancellationToken: ct));
        if (existing is not null)
        {
            if (existing.Metadata.DeletionTimestamp is not null)
                throw new Replica.Core.Workflows.ReplicaStepException($"The media claim {t.Namespace}/{t.MediaClaim} is being deleted; wait until it is gone, then start again.");
            var managed = ReplicaLabels.IsManaged(existing.Metadata);
            if (managed && existing.Metadata.Labels.TryGetValue(ReplicaLabels.Run, out var by) && by == ReplicaLabels.RunValue(run))
                return; // created earlier in this run (for the stack)
            log($"media claim {t.MediaClaim} exists{(managed ? "" : " (not created by replica; used as it is, never deleted)")}: only changes are copied");
            return;
        }
        log($"creating media claim {t.MediaClaim} ({t.MediaSize}{(t.StorageClass is null ? "" : $", storage class {t.StorageClass}")})");
        try { await k.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(MediaManifests.Claim(t, run), t.Namespace, cancellationToken: ct); }
        catch (HttpOperationException e) when (e.IsConflict()) { }
    }

    /// <summary>Only a claim replica labelled is deleted; the Jobs that mount it go first.</summary>
    public async Task RemoveAsync(Action<string> log, CancellationToken ct)
    {
        var delete = new LabelledDeletion(k, t.Namespace, log);
        await delete.DeleteWorkloadsAsync(ReplicaLabels.Select(t.Name, Components.SyncMedia), options.DeletionTimeout, ct);
        await delete.DeleteClaimsAsync(ReplicaLabels.Select(t.Name, Components.Media), ct);
        if (await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(t.MediaClaim, t.Namespace, cancellationToken: ct)) is { } left
            && !ReplicaLabels.IsManaged(left.Metadata))
            log($"media claim {t.MediaClaim} was not created by replica, so it is kept; delete it yourself if it should go");
    }
}
