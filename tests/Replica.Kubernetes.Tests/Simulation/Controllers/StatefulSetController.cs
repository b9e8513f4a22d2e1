using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Api;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>
/// The StatefulSet controller: pods `name-0 … name-(replicas-1)` from the template (OrderedReady
/// creates one at a time, each after the previous is Ready), PVCs from volumeClaimTemplates,
/// scale down from the highest ordinal, a rolling update when the template changes, and status
/// counts written the way the real controller writes them (zero counts omitted).
/// </summary>
public sealed class StatefulSetController(ObjectStore store, ResourceOperations operations, EventRecorder events) : IReconciler
{
    private const string Component = "statefulset-controller";

    public void Reconcile()
    {
        var failures = new List<Exception>();
        foreach (var sts in store.List(ResourceTypes.StatefulSets, null).Items)
        {
            if (PodState.IsDeleting(sts)) continue;
            // One object the controller cannot handle must not starve the others (a real controller logs it and goes on).
            try { ReconcileOne(sts); }
            catch (Exception e) { failures.Add(new InvalidOperationException($"{sts.Namespace()}/{sts.Name()}: {e.Message}", e)); }
        }
        if (failures.Count > 0) throw new AggregateException(failures);
    }

    private void ReconcileOne(JsonObject sts)
    {
        var ns = sts.Namespace()!;
        var name = sts.Name()!;
        var spec = (JsonObject)sts["spec"]!;
        var replicas = (int?)spec["replicas"] ?? 1;
        var ordered = (string?)spec["podManagementPolicy"] != "Parallel";
        var revision = Revision(name, spec["template"]);
        var pods = store.List(ResourceTypes.Pods, ns).Items.Where(p => p.IsOwnedBy(sts.Uid()!))
            .ToDictionary(p => p.Name()!, StringComparer.Ordinal);

        bool blocked = false;
        for (int i = 0; i < replicas && !blocked; i++)
        {
            var podName = $"{name}-{i}";
            if (!pods.TryGetValue(podName, out var pod))
            {
                if (ClaimsReady(sts, i)) CreatePod(sts, i, revision);
                blocked = ordered;
                continue;
            }
            if (PodState.IsTerminal(pod) && !PodState.IsDeleting(pod))
            {
                // A failed or finished pod of a StatefulSet is replaced, as the real controller does.
                operations.Delete(ResourceTypes.Pods, ns, podName, new DeleteOptions(null, 0, null, null, false));
                blocked = ordered;
                continue;
            }
            if (ordered && !PodState.IsReady(pod)) blocked = true;
        }

        // Scale down: the highest ordinal first, one at a time when ordered.
        foreach (var extra in pods.Values.Where(p => Ordinal(p, name) >= replicas).OrderByDescending(p => Ordinal(p, name)))
        {
            if (!PodState.IsDeleting(extra))
                operations.Delete(ResourceTypes.Pods, ns, extra.Name()!, new DeleteOptions(null, null, null, null, false));
            if (ordered) break;
        }

        // Rolling update: replace the highest-ordinal outdated pod once all the others are Ready.
        var current = pods.Values.Where(p => Ordinal(p, name) < replicas).ToList();
        if (current.Count == replicas && current.All(PodState.IsReady))
        {
            var outdated = current.Where(p => (string?)p["metadata"]?["labels"]?["controller-revision-hash"] != revision)
                .OrderByDescending(p => Ordinal(p, name)).FirstOrDefault();
            if (outdated is not null)
                operations.Delete(ResourceTypes.Pods, ns, outdated.Name()!, new DeleteOptions(null, null, null, null, false));
        }

        WriteStatus(sts, revision, pods.Values.ToList());
    }

    private void WriteStatus(JsonObject sts, string revision, List<JsonObject> pods)
    {
        var live = pods.Where(p => !PodState.IsDeleting(p)).ToList();
        int ready = live.Count(PodState.IsReady);
        int updated = live.Count(p => (string?)p["metadata"]?["labels"]?["controller-revision-hash"] == revision);
        var status = new JsonObject
        {
            ["observedGeneration"] = sts["metadata"]?["generation"]?.DeepClone(),
            ["replicas"] = live.Count,
            ["availableReplicas"] = ready,
            ["currentRevision"] = revision,
            ["updateRevision"] = revision,
            ["collisionCount"] = 0,
        };
        // The real status omits zero counts (omitempty): clients must read a missing count as 0.
        if (ready > 0) status["readyReplicas"] = ready;
        if (updated > 0) { status["currentReplicas"] = updated; status["updatedReplicas"] = updated; }
        store.TryUpdate(ResourceTypes.StatefulSets, sts.Namespace()!, sts.Name()!, s => { s["status"] = status; return s; });
    }

    /// <summary>Creates the PVCs of volumeClaimTemplates for one ordinal; true when all exist.</summary>
    private bool ClaimsReady(JsonObject sts, int ordinal)
    {
        var ns = sts.Namespace()!;
        var templates = (sts["spec"]?["volumeClaimTemplates"] as JsonArray)?.OfType<JsonObject>() ?? [];
        var deleteWithSet = (string?)sts["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenDeleted"] == "Delete";
        foreach (var template in templates)
        {
            var claimName = $"{template.Name()}-{sts.Name()}-{ordinal}";
            var existing = store.Get(ResourceTypes.Pvcs, ns, claimName);
            if (existing is not null)
            {
                if (PodState.IsDeleting(existing)) return false;
                continue;
            }
            var claim = (JsonObject)template.DeepClone();
            claim.Remove("status");
            var meta = claim.Metadata();
            meta["name"] = claimName;
            if (meta["labels"] is not JsonObject labels) meta["labels"] = labels = new JsonObject();
            foreach (var (k, v) in ObjectMeta.StringMap(sts["spec"]?["selector"]?["matchLabels"])) labels[k] = v;
            if (deleteWithSet) meta["ownerReferences"] = new JsonArray(ObjectMeta.OwnerReference(ResourceTypes.StatefulSets, sts));
            operations.Create(ResourceTypes.Pvcs, ns, claim, dryRun: false);
            events.Normal(ResourceTypes.StatefulSets, sts, "SuccessfulCreate",
                $"create Claim {claimName} Pod {sts.Name()}-{ordinal} in StatefulSet {sts.Name()} success", Component);
        }
        return true;
    }

    private void CreatePod(JsonObject sts, int ordinal, string revision)
    {
        var ns = sts.Namespace()!;
        var name = $"{sts.Name()}-{ordinal}";
        var template = sts["spec"]?["template"] as JsonObject ?? new JsonObject();
        var labels = (JsonObject)(template["metadata"]?["labels"]?.DeepClone() ?? new JsonObject());
        labels["controller-revision-hash"] = revision;
        labels["statefulset.kubernetes.io/pod-name"] = name;
        labels["apps.kubernetes.io/pod-index"] = ordinal.ToString();
        var podMeta = new JsonObject
        {
            ["name"] = name,
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(ObjectMeta.OwnerReference(ResourceTypes.StatefulSets, sts)),
        };
        if (template["metadata"]?["annotations"] is JsonObject annotations) podMeta["annotations"] = annotations.DeepClone();
        var spec = (JsonObject)(template["spec"]?.DeepClone() ?? new JsonObject());
        spec["hostname"] = name;
        if (sts["spec"]?["serviceName"] is JsonNode serviceName) spec["subdomain"] = serviceName.DeepClone();
        var volumes = (JsonArray)(spec["volumes"]?.DeepClone() ?? new JsonArray());
        foreach (var claimTemplate in (sts["spec"]?["volumeClaimTemplates"] as JsonArray)?.OfType<JsonObject>() ?? [])
            volumes.Add(new JsonObject
            {
                ["name"] = claimTemplate.Name(),
                ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{claimTemplate.Name()}-{sts.Name()}-{ordinal}" },
            });
        if (volumes.Count > 0) spec["volumes"] = volumes;
        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = podMeta, ["spec"] = spec };
        try
        {
            operations.Create(ResourceTypes.Pods, ns, pod, dryRun: false);
            events.Normal(ResourceTypes.StatefulSets, sts, "SuccessfulCreate", $"create Pod {name} in StatefulSet {sts.Name()} successful", Component);
        }
        catch (ApiException e) when (e.Code == 409) { }
        catch (ApiException e)
        {
            // Refused by admission (Pod Security, a quota, a webhook) or invalid: the real controller's event, and no pod.
            events.Warning(ResourceTypes.StatefulSets, sts, "FailedCreate", $"create Pod {name} in StatefulSet {sts.Name()} failed error: {e.Message}", Component);
        }
    }

    private static int Ordinal(JsonObject pod, string setName) =>
        int.TryParse(pod.Name()![(setName.Length + 1)..], out var n) ? n : int.MaxValue;

    private static string Revision(string name, JsonNode? template)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(template?.ToJsonString() ?? ""));
        return $"{name}-{Convert.ToHexString(hash)[..10].ToLowerInvariant()}";
    }
}
