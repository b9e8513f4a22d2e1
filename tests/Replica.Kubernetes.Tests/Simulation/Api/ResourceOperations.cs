using System.Text;
using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Patching;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// The API server's verbs on the store, independent of HTTP: admission (defaults, validation,
/// system metadata), optimistic concurrency, status subresources and deletion semantics
/// (finalizers, graceful pod deletion, propagation policies).
/// </summary>
public sealed partial class ResourceOperations(ObjectStore store, Defaults defaults, SimulationRules? rules = null)
{
    public JsonObject Get(ResourceType type, string ns, string name) =>
        store.Get(type, ns, name) ?? throw ApiException.NotFound(type, name);

    public JsonObject List(ResourceType type, string? ns, ListOptions options)
    {
        var (all, version) = store.List(type, ns);
        var items = all.Where(options.Matches).ToList();
        string? next = null;
        if (options.Continue is not null)
        {
            var after = Encoding.UTF8.GetString(Convert.FromBase64String(options.Continue));
            items = items.SkipWhile(i => Key(i).CompareTo(after) <= 0).ToList();
        }
        if (options.Limit is int limit && items.Count > limit)
        {
            items = items.Take(limit).ToList();
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(Key(items[^1])));
        }
        var list = new JsonArray();
        foreach (var item in items)
        {
            // Items of a real list carry no kind/apiVersion; only the list does.
            item.Remove("kind");
            item.Remove("apiVersion");
            list.Add(item);
        }
        var meta = new JsonObject { ["resourceVersion"] = version.ToString() };
        if (next is not null) meta["continue"] = next;
        return new JsonObject { ["kind"] = type.ListKind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta, ["items"] = list };
    }

    private static string Key(JsonObject o) => $"{o.Namespace()}/{o.Name()}";

    /// <param name="strictFields">fieldValidation=Strict: unknown fields are refused (400), not dropped.</param>
    public JsonObject Create(ResourceType type, string ns, JsonObject body, bool dryRun, bool strictFields = false)
    {
        var obj = (JsonObject)body.DeepClone();
        TypedSchema.Decode(type, obj, strictFields);
        var meta = obj.Metadata();
        if (type.Namespaced)
        {
            var given = (string?)meta["namespace"];
            if (!string.IsNullOrEmpty(given) && given != ns)
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = ns;
        }
        else meta.Remove("namespace");
        if (string.IsNullOrEmpty(obj.Name()))
        {
            var prefix = (string?)meta["generateName"];
            if (string.IsNullOrEmpty(prefix))
                throw ApiException.Invalid(type, "", "metadata.name", "Required value: name or generateName is required");
            meta["name"] = prefix + RandomSuffix();
        }
        if (!string.IsNullOrEmpty(obj.ResourceVersion()))
            throw new ApiException(500, "InternalError", "resourceVersion should not be set on objects to be created");
        var name = obj.Name()!;
        if (type.Namespaced) RequireLiveNamespace(type, ns, name);

        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = ObjectMeta.Now();
        meta.Remove("deletionTimestamp");
        if (type.HasGeneration) meta["generation"] = 1;
        if (type.Kind == "PersistentVolumeClaim") AddFinalizer(obj, "kubernetes.io/pvc-protection");
        defaults.OnCreate(type, obj);
        Validation.OnCreate(type, obj);
        if (type.Kind == "Pod")
        {
            Admission.PodSecurityAdmission.OnCreate(store, ns, obj);
            if (rules?.PodDenial(name) is var (webhook, message))
                throw new ApiException(400, "BadRequest", $"admission webhook \"{webhook}\" denied the request: {message}");
        }
        if (dryRun)
        {
            meta.Remove("uid");
            return obj;
        }
        return store.Create(type, ns, obj);
    }

    public JsonObject Replace(ResourceType type, string ns, string name, JsonObject body, bool statusOnly, bool dryRun, bool strictFields = false)
    {
        var bodyName = body.Name();
        if (bodyName is not null && bodyName != name)
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        var wanted = body.ResourceVersion();
        return Write(type, ns, name, dryRun, current =>
        {
            if (!string.IsNullOrEmpty(wanted) && wanted != current.ResourceVersion()) throw ApiException.Conflict(type, name);
            return (JsonObject)body.DeepClone();
        }, statusOnly, strictFields);
    }

    public JsonObject Patch(ResourceType type, string ns, string name, string contentType, JsonNode? patch, bool statusOnly, bool dryRun, string? fieldManager, bool strictFields = false)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType == "application/apply-patch+yaml")
        {
            if (string.IsNullOrEmpty(fieldManager))
                throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            // Server-side apply on a missing object creates it; field ownership is not simulated,
            // so an apply merges like a strategic merge patch (fields left out are kept, not removed).
            if (store.Get(type, ns, name) is null && !statusOnly && patch is JsonObject applied)
            {
                var created = (JsonObject)applied.DeepClone();
                created.Metadata()["name"] = name;
                return Create(type, ns, created, dryRun, strictFields);
            }
        }
        return Write(type, ns, name, dryRun, current =>
        {
            var patched = mediaType switch
            {
                "application/json-patch+json" => JsonPatch.Apply(current, patch),
                "application/merge-patch+json" => MergePatch.Apply(current, patch),
                "application/strategic-merge-patch+json" or "application/apply-patch+yaml" => StrategicMergePatch.Apply(current, patch),
                _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"),
            } as JsonObject ?? throw ApiException.BadRequest("patch did not produce an object");
            var wanted = patched.ResourceVersion();
            if (!string.IsNullOrEmpty(wanted) && wanted != current.ResourceVersion()) throw ApiException.Conflict(type, name);
            return patched;
        }, statusOnly, strictFields);
    }

    /// <summary>PUT and PATCH share this: keep what clients may not change, then admit and store.</summary>
    private JsonObject Write(ResourceType type, string ns, string name, bool dryRun, Func<JsonObject, JsonObject> change, bool statusOnly, bool strictFields = false)
    {
        JsonObject Admit(JsonObject current)
        {
            var updated = change((JsonObject)current.DeepClone());
            TypedSchema.Decode(type, updated, strictFields);
            if (statusOnly)
            {
                // The status subresource changes status and nothing else.
                var result = (JsonObject)current.DeepClone();
                result["status"] = updated["status"]?.DeepClone();
                return result;
            }
            var meta = updated.Metadata();
            var old = current.Metadata();
            foreach (var systemField in new[] { "uid", "creationTimestamp", "namespace", "name", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
            {
                if (old[systemField] is null) meta.Remove(systemField);
                else meta[systemField] = old[systemField]!.DeepClone();
            }
            updated["kind"] = type.Kind;
            updated["apiVersion"] = type.ApiVersion;
            // With a status subresource, writes to the main resource leave status alone.
            if (type.HasStatus) updated["status"] = current["status"]?.DeepClone();
            Defaults.OnUpdate(type, current, updated);
            Validation.OnUpdate(type, current, updated);
            if (type.HasGeneration && !JsonNode.DeepEquals(current["spec"], updated["spec"]))
                meta["generation"] = ((long?)old["generation"] ?? 0) + 1;
            return updated;
        }

        if (dryRun) return Admit(Get(type, ns, name));
        var stored = store.Update(type, ns, name, Admit);
        return FinishDeletionIfDue(type, ns, stored);
    }

    private void RequireLiveNamespace(ResourceType type, string ns, string name)
    {
        var nsObj = store.Get(ResourceTypes.Namespaces, "", ns) ?? throw ApiException.NotFound(ResourceTypes.Namespaces, ns);
        if (nsObj["metadata"]?["deletionTimestamp"] is not null) throw ApiException.NamespaceTerminating(type, name, ns);
    }

    private static void AddFinalizer(JsonObject obj, string finalizer)
    {
        var meta = obj.Metadata();
        if (meta["finalizers"] is not JsonArray list) meta["finalizers"] = list = new JsonArray();
        if (!list.Any(f => (string?)f == finalizer)) list.Add(finalizer);
    }

    /// <summary>Five characters from the alphabet the real server uses for generateName.</summary>
    public static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) => { for (int i = 0; i < span.Length; i++) span[i] = alphabet[Random.Shared.Next(alphabet.Length)]; });
    }
}
