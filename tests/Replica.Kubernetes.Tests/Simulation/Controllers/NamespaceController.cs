using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>
/// A namespace being deleted (phase Terminating) loses all its objects, then goes itself.
/// Pods are removed at once; the simulated kubelet stops whatever they ran when it sees them go.
/// </summary>
public sealed class NamespaceController(ObjectStore store, VolumeFolders folders) : IReconciler
{
    public void Reconcile()
    {
        foreach (var ns in store.List(ResourceTypes.Namespaces, null).Items.Where(PodState.IsDeleting))
        {
            var name = ns.Name()!;
            foreach (var type in ResourceTypes.All.Where(t => t.Namespaced))
                foreach (var obj in store.List(type, name).Items)
                    store.TryDelete(type, name, obj.Name()!);
            var volumes = Path.GetDirectoryName(folders.For(name, "x"))!;
            if (Directory.Exists(volumes)) Directory.Delete(volumes, recursive: true);
            store.TryDelete(ResourceTypes.Namespaces, "", name);
        }
    }
}
