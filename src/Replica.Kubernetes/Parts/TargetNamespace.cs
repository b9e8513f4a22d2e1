using k8s;
using k8s.Autorest;
using k8s.Models;
using Replica.Core.Workflows;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Parts;

/// <summary>The target's namespace: created when missing, used as it is when present.</summary>
public sealed class TargetNamespace(IKubernetes k, ClusterTarget t)
{
    /// <summary>Null when the namespace exists and can be used (or replica may not read namespaces, and assumes so); else why not.</summary>
    public async Task<string?> MissingAsync(CancellationToken ct)
    {
        V1Namespace? existing;
        try { existing = await ApiErrors.OrNull(() => k.CoreV1.ReadNamespaceAsync(t.Namespace, cancellationToken: ct)); }
        catch (HttpOperationException e) when (e.Response?.StatusCode == System.Net.HttpStatusCode.Forbidden) { return null; }
        return existing is null ? $"namespace {t.Namespace} does not exist yet"
            : existing.Status?.Phase == "Terminating" ? $"namespace {t.Namespace} is being deleted"
            : null;
    }

    public async Task EnsureAsync(string run, Action<string> log, CancellationToken ct)
    {
        V1Namespace? existing;
        try { existing = await ApiErrors.OrNull(() => k.CoreV1.ReadNamespaceAsync(t.Namespace, cancellationToken: ct)); }
        catch (HttpOperationException e) when (e.Response?.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            // Namespaces are cluster-scoped; with only the namespaced Role (docs/kubernetes.md) the namespace must exist already.
            log($"replica may not read namespaces; assuming {t.Namespace} exists");
            return;
        }
        if (existing is not null)
        {
            if (existing.Status?.Phase == "Terminating")
                throw new ReplicaStepException($"Namespace {t.Namespace} is being deleted; wait until it is gone (kubectl get namespace {t.Namespace}), then start again.");
            return;
        }
        log($"creating namespace {t.Namespace}");
        try { await k.CoreV1.CreateNamespaceAsync(NamespaceManifest.For(t, run), cancellationToken: ct); }
        catch (HttpOperationException e) when (e.IsConflict()) { } // created meanwhile by someone else: fine
    }
}
