using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Replica.Kubernetes.Tests.Simulation.Selectors;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// The 422 Invalid answers a real server gives for the mistakes a platform is likely to make:
/// bad names, a StatefulSet whose selector misses its template's labels, a Job that would
/// restart forever, changes to fields that are immutable after creation.
/// </summary>
public static partial class Validation
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    public static void OnCreate(ResourceType type, JsonObject obj)
    {
        var name = obj.Name()!;
        ValidateName(type, name);
        if (FieldRules.Check(type, obj) is { Count: > 0 } causes) throw ApiException.Invalid(type, name, causes);
        switch (type.Kind)
        {
            case "Pod":
                ValidateContainers(type, name, obj["spec"] as JsonObject, "spec");
                break;
            case "StatefulSet":
                ValidateTemplateSelector(type, obj);
                ValidateContainers(type, name, obj["spec"]?["template"]?["spec"] as JsonObject, "spec.template.spec");
                break;
            case "Job":
                var restart = (string?)obj["spec"]?["template"]?["spec"]?["restartPolicy"];
                if (restart is not ("Never" or "OnFailure"))
                    throw ApiException.Invalid(type, name, "spec.template.spec.restartPolicy",
                        $"Unsupported value: \"{restart ?? "Always"}\": supported values: \"OnFailure\", \"Never\"");
                ValidateContainers(type, name, obj["spec"]?["template"]?["spec"] as JsonObject, "spec.template.spec");
                break;
            case "PersistentVolumeClaim":
                if (obj["spec"]?["resources"]?["requests"]?["storage"] is null)
                    throw ApiException.Invalid(type, name, "spec.resources[storage]", "Required value");
                if (obj["spec"]?["accessModes"] is not JsonArray { Count: > 0 })
                    throw ApiException.Invalid(type, name, "spec.accessModes", "Required value: at least 1 access mode is required");
                break;
        }
    }

    /// <summary>Fields that a real server refuses to change once the object exists.</summary>
    public static void OnUpdate(ResourceType type, JsonObject current, JsonObject updated)
    {
        var name = current.Name()!;
        if (FieldRules.Check(type, updated) is { Count: > 0 } causes) throw ApiException.Invalid(type, name, causes);
        switch (type.Kind)
        {
            case "StatefulSet":
                var mutable = new[] { "replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds" };
                if (!SameExcept(current["spec"], updated["spec"], mutable))
                    throw new ApiException(422, "Invalid",
                        $"StatefulSet.apps \"{name}\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
                ValidateTemplateSelector(type, updated);
                break;
            case "Job":
                if (!JsonNode.DeepEquals(current["spec"]?["template"], updated["spec"]?["template"]))
                    throw ApiException.Invalid(type, name, "spec.template", "Invalid value: field is immutable");
                break;
            case "PersistentVolumeClaim":
                if (!SameExcept(current["spec"], updated["spec"], ["resources", "volumeAttributesClassName", "volumeName"]))
                    throw new ApiException(422, "Invalid",
                        $"PersistentVolumeClaim \"{name}\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
                break;
        }
    }

    private static void ValidateName(ResourceType type, string name)
    {
        if (type.Kind is "Namespace" or "Service")
        {
            var regex = type.Kind == "Service" ? Dns1035Label() : Dns1123Label();
            if (name.Length > 63 || !regex.IsMatch(name))
                throw ApiException.Invalid(type, name, "metadata.name",
                    $"Invalid value: \"{name}\": a lowercase RFC {(type.Kind == "Service" ? "1035" : "1123")} label must consist of lower case alphanumeric characters or '-'");
        }
        else if (name.Length > 253 || !Subdomain().IsMatch(name))
            throw ApiException.Invalid(type, name, "metadata.name",
                $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'");
    }

    private static void ValidateTemplateSelector(ResourceType type, JsonObject obj)
    {
        var name = obj.Name()!;
        var matchLabels = ObjectMeta.StringMap(obj["spec"]?["selector"]?["matchLabels"]);
        if (matchLabels.Count == 0)
            throw ApiException.Invalid(type, name, "spec.selector", "Invalid value: \"null\": empty selector is invalid for statefulset");
        var templateLabels = ObjectMeta.StringMap(obj["spec"]?["template"]?["metadata"]?["labels"]);
        if (!LabelSelector.FromMatchLabels(matchLabels).Matches(templateLabels))
            throw ApiException.Invalid(type, name, "spec.template.metadata.labels",
                "Invalid value: `selector` does not match template `labels`");
    }

    private static void ValidateContainers(ResourceType type, string name, JsonObject? podSpec, string path)
    {
        if (podSpec?["containers"] is not JsonArray { Count: > 0 } containers)
            throw ApiException.Invalid(type, name, $"{path}.containers", "Required value");
        for (int i = 0; i < containers.Count; i++)
        {
            if (string.IsNullOrEmpty((string?)containers[i]?["name"]))
                throw ApiException.Invalid(type, name, $"{path}.containers[{i}].name", "Required value");
            if (string.IsNullOrEmpty((string?)containers[i]?["image"]))
                throw ApiException.Invalid(type, name, $"{path}.containers[{i}].image", "Required value");
        }
    }

    private static bool SameExcept(JsonNode? a, JsonNode? b, IReadOnlyCollection<string> mutable)
    {
        if (a is not JsonObject ao || b is not JsonObject bo) return JsonNode.DeepEquals(a, b);
        var keys = ao.Select(p => p.Key).Concat(bo.Select(p => p.Key)).Distinct().Where(k => !mutable.Contains(k));
        return keys.All(k => JsonNode.DeepEquals(ao[k], bo[k]));
    }
}
