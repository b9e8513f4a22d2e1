using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>
/// Dynamic provisioning and PVC protection: a Pending claim binds to a new folder unless its
/// storage class was declared unbound (then it stays Pending with a ProvisioningFailed event);
/// a claim being deleted goes only when no running pod uses it, and its folder goes with it
/// (reclaim policy Delete, the default for dynamically provisioned volumes).
/// </summary>
public sealed class PvcController(ObjectStore store, SimulationRules rules, VolumeFolders folders, EventRecorder events) : IReconciler
{
    private const string Component = "persistentvolume-controller";

    public void Reconcile()
    {
        foreach (var claim in store.List(ResourceTypes.Pvcs, null).Items)
        {
            if (PodState.IsDeleting(claim)) { FinishDeletion(claim); continue; }
            if ((string?)claim["status"]?["phase"] == "Pending") Bind(claim);
        }
    }

    private void Bind(JsonObject claim)
    {
        var ns = claim.Namespace()!;
        var storageClass = (string?)claim["spec"]?["storageClassName"];
        if (rules.IsUnbound(storageClass))
        {
            events.Warning(ResourceTypes.Pvcs, claim, "ProvisioningFailed",
                $"storageclass.storage.k8s.io \"{storageClass}\" not found", Component);
            return;
        }
        Directory.CreateDirectory(folders.For(ns, claim.Name()!));
        var volumeName = $"pvc-{claim.Uid()}";
        store.TryUpdate(ResourceTypes.Pvcs, ns, claim.Name()!, c =>
        {
            c["spec"]!["volumeName"] = volumeName;
            if (c.Metadata()["annotations"] is not JsonObject annotations) c.Metadata()["annotations"] = annotations = new JsonObject();
            annotations["pv.kubernetes.io/bind-completed"] = "yes";
            annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
            annotations["volume.kubernetes.io/storage-provisioner"] = "simulation.replica/provisioner";
            c["status"] = new JsonObject
            {
                ["phase"] = "Bound",
                ["accessModes"] = c["spec"]?["accessModes"]?.DeepClone(),
                ["capacity"] = new JsonObject { ["storage"] = c["spec"]?["resources"]?["requests"]?["storage"]?.DeepClone() },
            };
            return c;
        });
        events.Normal(ResourceTypes.Pvcs, claim, "ProvisioningSucceeded",
            $"Successfully provisioned volume {volumeName} using the simulation's provisioner", "simulation.replica/provisioner");
    }

    private void FinishDeletion(JsonObject claim)
    {
        var ns = claim.Namespace()!;
        var name = claim.Name()!;
        var inUse = store.List(ResourceTypes.Pods, ns).Items.Any(p => !PodState.IsTerminal(p) &&
            ((p["spec"]?["volumes"] as JsonArray)?.Any(v => (string?)v?["persistentVolumeClaim"]?["claimName"] == name) ?? false));
        if (inUse) return;
        var remaining = (claim["metadata"]?["finalizers"] as JsonArray)?.Where(f => (string?)f != "kubernetes.io/pvc-protection").ToList() ?? [];
        if (remaining.Count > 0) return;
        // The data goes first, so whoever sees the claim gone also finds its folder gone.
        var folder = folders.For(ns, name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        store.TryDelete(ResourceTypes.Pvcs, ns, name);
    }
}
