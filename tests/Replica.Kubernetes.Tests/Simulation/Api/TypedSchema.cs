using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// Decodes a body against the Kubernetes types, as the real server's decoder does before any
/// validation: a wrong JSON type (a string for `replicas`) or a malformed quantity (`20 Gi`) is a
/// 400 BadRequest "cannot be handled as a …"; a field the type does not have is a 400
/// "strict decoding error: unknown field" under fieldValidation=Strict, and is dropped otherwise
/// (the server's default, Warn). The field names and types are those of the KubernetesClient
/// models, which are generated from the Kubernetes OpenAPI schema.
/// </summary>
public static partial class TypedSchema
{
    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["Namespace"] = typeof(V1Namespace), ["Secret"] = typeof(V1Secret), ["ConfigMap"] = typeof(V1ConfigMap),
        ["Service"] = typeof(V1Service), ["PersistentVolumeClaim"] = typeof(V1PersistentVolumeClaim), ["Pod"] = typeof(V1Pod),
        ["Event"] = typeof(Corev1Event), ["ServiceAccount"] = typeof(V1ServiceAccount), ["StatefulSet"] = typeof(V1StatefulSet),
        ["Job"] = typeof(V1Job), ["Deployment"] = typeof(V1Deployment), ["DaemonSet"] = typeof(V1DaemonSet),
    };

    [GeneratedRegex(@"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial Regex QuantityShape();

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$")]
    private static partial Regex Quantity();

    /// <summary>Checks (and, without strict validation, trims) <paramref name="obj"/> in place.</summary>
    public static void Decode(ResourceType type, JsonObject obj, bool strict)
    {
        if (!Kinds.TryGetValue(type.Kind, out var model)) return;
        var unknown = new List<string>();
        try { Check(obj, model, "", unknown, strict, type); }
        catch (DecodeError e)
        {
            throw ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {e.Message}");
        }
        if (strict && unknown.Count > 0)
            throw ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))}");
    }

    private sealed class DecodeError(string message) : Exception(message);

    private static void Check(JsonNode? node, Type type, string path, List<string> unknown, bool strict, ResourceType resource)
    {
        if (node is null) return;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(object)) return;
        if (type == typeof(string) || type == typeof(DateTime))
        {
            Expect(node, JsonValueKind.String, "string", type, path);
            return;
        }
        if (type == typeof(byte[]))
        {
            Expect(node, JsonValueKind.String, "string", type, path);
            try { Convert.FromBase64String((string)node!); }
            catch (FormatException) { throw new DecodeError($"illegal base64 data at field {path}"); }
            return;
        }
        if (type == typeof(bool))
        {
            if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) throw Mismatch(node, "bool", path);
            return;
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(double))
        {
            if (node.GetValueKind() != JsonValueKind.Number) throw Mismatch(node, type == typeof(int) ? "int32" : type == typeof(long) ? "int64" : "float64", path);
            if (type != typeof(double) && !long.TryParse(node.ToJsonString(), out _)) throw Mismatch(node, type == typeof(int) ? "int32" : "int64", path);
            return;
        }
        if (type == typeof(ResourceQuantity))
        {
            var text = node.GetValueKind() == JsonValueKind.Number ? node.ToJsonString() : node.GetValueKind() == JsonValueKind.String ? (string)node! : null;
            if (text is null || !Quantity().IsMatch(text))
                throw new DecodeError($"quantities must match the regular expression '{QuantityShape()}'");
            return;
        }
        if (type == typeof(IntOrString))
        {
            if (node.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number)) throw Mismatch(node, "IntOrString", path);
            return;
        }
        if (Dictionary(type) is { } valueType)
        {
            if (node is not JsonObject map) throw Mismatch(node, "map", path);
            foreach (var (key, value) in map) Check(value, valueType, $"{path}[{key}]", unknown, strict, resource);
            return;
        }
        if (List(type) is { } itemType)
        {
            if (node is not JsonArray array) throw Mismatch(node, "array", path);
            for (int i = 0; i < array.Count; i++) Check(array[i], itemType, $"{path}[{i}]", unknown, strict, resource);
            return;
        }
        if (node is not JsonObject obj) throw Mismatch(node, type.Name, path);
        var properties = Properties(type);
        foreach (var (key, value) in obj.ToList())
        {
            var field = path.Length == 0 ? key : $"{path}.{key}";
            if (!properties.TryGetValue(key, out var property))
            {
                if (strict) unknown.Add(field);
                else obj.Remove(key); // the server's default (Warn): the field is dropped
                continue;
            }
            Check(value, property, field, unknown, strict, resource);
        }
    }

    private static void Expect(JsonNode node, JsonValueKind kind, string goType, Type type, string path)
    {
        if (node.GetValueKind() != kind) throw Mismatch(node, goType, path);
    }

    private static DecodeError Mismatch(JsonNode node, string goType, string path)
    {
        var got = node.GetValueKind() switch
        {
            JsonValueKind.String => "string", JsonValueKind.Number => "number", JsonValueKind.Object => "object",
            JsonValueKind.Array => "array", JsonValueKind.True or JsonValueKind.False => "bool", _ => "value",
        };
        return new DecodeError($"json: cannot unmarshal {got} into Go struct field .{path} of type {goType}");
    }

    private static readonly Dictionary<Type, Dictionary<string, Type>> PropertyCache = new();

    private static Dictionary<string, Type> Properties(Type type)
    {
        lock (PropertyCache)
        {
            if (PropertyCache.TryGetValue(type, out var cached)) return cached;
            var result = new Dictionary<string, Type>(StringComparer.Ordinal);
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                if (p.GetCustomAttribute<JsonPropertyNameAttribute>() is { } name) result[name.Name] = p.PropertyType;
            return PropertyCache[type] = result;
        }
    }

    private static Type? Dictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(Dictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type.GetGenericArguments()[1] : null;

    private static Type? List(Type type) =>
        type != typeof(string) && type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IList<>) || d == typeof(List<>) || d == typeof(IEnumerable<>) || d == typeof(IReadOnlyList<>))
            ? type.GetGenericArguments()[0] : null;
}
