using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Api;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>
/// Owner references: dependents whose owners are all gone are deleted (Background), and an
/// owner in Foreground deletion goes once its dependents are gone. Orphaning is done by the
/// API verb itself when the policy (or a batch/v1 Job's default) says Orphan.
/// </summary>
public sealed class GarbageCollector(ObjectStore store, ResourceOperations operations) : IReconciler
{
    public void Reconcile()
    {
        foreach (var ns in store.List(ResourceTypes.Namespaces, null).Items.Select(n => n.Name()!))
        {
            var all = ResourceTypes.All.Where(t => t.Namespaced)
                .SelectMany(t => store.List(t, ns).Items.Select(o => (Type: t, Obj: o))).ToList();
            var uids = all.Select(x => x.Obj.Uid()).ToHashSet();

            foreach (var (type, obj) in all)
            {
                var owners = obj.OwnerReferences().ToList();
                if (owners.Count == 0 || PodState.IsDeleting(obj)) continue;
                if (owners.All(o => !uids.Contains((string?)o["uid"])))
                {
                    try { operations.Delete(type, ns, obj.Name()!, new DeleteOptions("Background", null, null, null, false)); }
                    catch (ApiException e) when (e.Code == 404) { }
                }
            }

            foreach (var (type, owner) in all.Where(x => PodState.IsDeleting(x.Obj) && HasFinalizer(x.Obj, "foregroundDeletion")))
            {
                var dependents = all.Where(x => x.Obj.IsOwnedBy(owner.Uid()!)).ToList();
                foreach (var (depType, dep) in dependents.Where(d => !PodState.IsDeleting(d.Obj)))
                {
                    try { operations.Delete(depType, ns, dep.Name()!, new DeleteOptions("Foreground", null, null, null, false)); }
                    catch (ApiException e) when (e.Code == 404) { }
                }
                if (dependents.Count > 0) continue;
                var updated = store.TryUpdate(type, ns, owner.Name()!, o =>
                {
                    var finalizers = (JsonArray)o["metadata"]!["finalizers"]!;
                    for (int i = finalizers.Count - 1; i >= 0; i--)
                        if ((string?)finalizers[i] == "foregroundDeletion") finalizers.RemoveAt(i);
                    return o;
                });
                if (updated is not null) operations.FinishDeletionIfDue(type, ns, updated);
            }
        }
    }

    private static bool HasFinalizer(JsonObject obj, string finalizer) =>
        (obj["metadata"]?["finalizers"] as JsonArray)?.Any(f => (string?)f == finalizer) == true;
}
