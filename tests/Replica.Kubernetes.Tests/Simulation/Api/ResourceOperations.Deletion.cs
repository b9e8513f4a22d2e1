using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// Deletion as the real server does it: preconditions, finalizers and deletionTimestamp, graceful
/// pod deletion, propagation policies (batch/v1 Jobs orphan by default), and the answer's shape.
/// </summary>
public sealed partial class ResourceOperations
{
    /// <summary>An object marked for deletion goes once its last finalizer is removed.</summary>
    public JsonObject FinishDeletionIfDue(ResourceType type, string ns, JsonObject obj)
    {
        if (obj["metadata"]?["deletionTimestamp"] is not null && obj["metadata"]?["finalizers"] is not JsonArray { Count: > 0 }
            && !(type.Kind is "Namespace" && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 })
            && !(type.Kind is "Pod" && obj["spec"]?["nodeName"] is not null))
            return store.TryDelete(type, ns, obj.Name()!) ?? obj;
        return obj;
    }

    /// <summary>Returns the HTTP code and body of a DELETE, as the real server answers for this kind.</summary>
    public (int Code, JsonObject Body) Delete(ResourceType type, string ns, string name, DeleteOptions options)
    {
        var current = Get(type, ns, name);
        if (options.PreconditionUid is not null && options.PreconditionUid != current.Uid())
            throw new ApiException(409, "Conflict", $"Precondition failed: UID in precondition: {options.PreconditionUid}, UID in object meta: {current.Uid()}");
        if (options.PreconditionResourceVersion is not null && options.PreconditionResourceVersion != current.ResourceVersion())
            throw new ApiException(409, "Conflict", $"Precondition failed: ResourceVersion in precondition: {options.PreconditionResourceVersion}, ResourceVersion in object meta: {current.ResourceVersion()}");
        if (options.DryRun) return (200, current);
        // The real server answers 200 also when deletion is pending (finalizers, graceful pods);
        // 202 only for the deprecated orphanDependents=false, which the simulation does not distinguish.
        // A deletion still pending answers with the object as it now is (deletionTimestamp set).
        if (current["metadata"]?["deletionTimestamp"] is not null) return (200, current);

        // batch/v1 Jobs orphan their pods unless told otherwise: an API compatibility rule of the
        // real server that deletion code must handle (kubectl passes Background for you).
        var policy = options.PropagationPolicy ?? (type.Kind == "Job" ? "Orphan" : "Background");
        if (policy is not ("Orphan" or "Background" or "Foreground"))
            throw ApiException.BadRequest($"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{policy}\"");
        if (policy == "Orphan") OrphanDependents(current);

        var graceful = type.Kind == "Pod" && current["spec"]?["nodeName"] is not null && options.GracePeriodSeconds is not 0;
        var keepsForNow = type.Kind == "Namespace" || graceful || policy == "Foreground"
                          || current["metadata"]?["finalizers"] is JsonArray { Count: > 0 };
        if (!keepsForNow)
        {
            var deleted = store.TryDelete(type, ns, name) ?? throw ApiException.NotFound(type, name);
            return (200, DeleteAnswer(type, deleted));
        }

        var marked = store.Update(type, ns, name, obj =>
        {
            var meta = obj.Metadata();
            meta["deletionTimestamp"] = ObjectMeta.Now();
            if (graceful)
                meta["deletionGracePeriodSeconds"] = options.GracePeriodSeconds ?? (int?)obj["spec"]?["terminationGracePeriodSeconds"] ?? 30;
            if (policy == "Foreground") AddFinalizer(obj, "foregroundDeletion");
            if (type.Kind == "Namespace") obj["status"] = new JsonObject { ["phase"] = "Terminating" };
            return obj;
        });
        return (200, marked);
    }

    public JsonObject DeleteCollection(ResourceType type, string ns, ListOptions list, DeleteOptions options)
    {
        var (all, version) = store.List(type, ns);
        var deleted = new JsonArray();
        foreach (var item in all.Where(list.Matches))
        {
            try
            {
                var (_, body) = Delete(type, ns, item.Name()!, options);
                deleted.Add(body["kind"]?.ToString() == "Status" ? item : body);
            }
            catch (ApiException e) when (e.Code == 404) { }
        }
        foreach (var item in deleted.OfType<JsonObject>()) { item.Remove("kind"); item.Remove("apiVersion"); }
        return new JsonObject
        {
            ["kind"] = type.ListKind, ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString() },
            ["items"] = deleted,
        };
    }

    /// <summary>An immediate deletion answers with the object for Pods, Services, PVCs and Namespaces, else a Success Status.</summary>
    private static JsonObject DeleteAnswer(ResourceType type, JsonObject obj)
    {
        if (type.Kind is "Pod" or "Service" or "PersistentVolumeClaim" or "Namespace") return obj;
        var details = new JsonObject { ["name"] = obj.Name() };
        if (type.Group.Length > 0) details["group"] = type.Group;
        details["kind"] = type.Plural;
        details["uid"] = obj.Uid();
        return new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(),
            ["status"] = "Success", ["details"] = details,
        };
    }

    private void OrphanDependents(JsonObject owner)
    {
        var uid = owner.Uid()!;
        foreach (var type in ResourceTypes.All.Where(t => t.Namespaced))
            foreach (var dependent in store.List(type, owner.Namespace()).Items.Where(d => d.IsOwnedBy(uid)))
                store.TryUpdate(type, dependent.Namespace()!, dependent.Name()!, d =>
                {
                    var refs = (JsonArray)d["metadata"]!["ownerReferences"]!;
                    for (int i = refs.Count - 1; i >= 0; i--)
                        if ((string?)refs[i]?["uid"] == uid) refs.RemoveAt(i);
                    if (refs.Count == 0) d.Metadata().Remove("ownerReferences");
                    return d;
                });
    }
}
