using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Api;

namespace Replica.Kubernetes.Tests.Simulation.Patching;

/// <summary>RFC 6902 JSON patch (`application/json-patch+json`): add, remove, replace, move, copy, test.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonNode? patch)
    {
        if (patch is not JsonArray ops) throw ApiException.BadRequest("json patch must be an array of operations");
        var doc = target.DeepClone();
        foreach (var op in ops.OfType<JsonObject>())
        {
            var kind = (string?)op["op"];
            var path = (string?)op["path"] ?? throw Unprocessable("missing path");
            switch (kind)
            {
                case "add": doc = Add(doc, path, op["value"]?.DeepClone()); break;
                case "remove": doc = Remove(doc, path, out _); break;
                case "replace": doc = Remove(doc, path, out _); doc = Add(doc, path, op["value"]?.DeepClone()); break;
                case "move":
                    doc = Remove(doc, (string?)op["from"] ?? throw Unprocessable("missing from"), out var moved);
                    doc = Add(doc, path, moved);
                    break;
                case "copy": doc = Add(doc, path, Find(doc, (string?)op["from"] ?? throw Unprocessable("missing from"))?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Find(doc, path), op["value"]))
                        throw Unprocessable($"testing value {path} failed: test operation does not apply");
                    break;
                default: throw Unprocessable($"unexpected kind: {kind}");
            }
        }
        return doc;
    }

    private static string[] Tokens(string path)
    {
        if (path.Length == 0) return [];
        if (path[0] != '/') throw Unprocessable($"invalid path {path}");
        return path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Find(JsonNode? doc, string path)
    {
        foreach (var token in Tokens(path))
            doc = doc switch
            {
                JsonObject o => o[token],
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Unprocessable($"doc is missing path: \"{path}\""),
            };
        return doc;
    }

    private static JsonNode Add(JsonNode doc, string path, JsonNode? value)
    {
        var tokens = Tokens(path);
        if (tokens.Length == 0) return value ?? throw Unprocessable("cannot add null document");
        var parent = Find(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw Unprocessable($"add operation does not apply: doc is missing path: \"{path}\"");
        }
        return doc;
    }

    private static JsonNode Remove(JsonNode doc, string path, out JsonNode? removed)
    {
        var tokens = Tokens(path);
        if (tokens.Length == 0) throw Unprocessable("cannot remove the whole document");
        var parent = Find(doc, "/" + string.Join('/', tokens[..^1].Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                removed = o[last]; o.Remove(last); removed = removed?.DeepClone(); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                removed = a[i]?.DeepClone(); a.RemoveAt(i); break;
            default: throw Unprocessable($"remove operation does not apply: doc is missing path: \"{path}\"");
        }
        return doc;
    }

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");

    private static ApiException Unprocessable(string message) => new(422, "Invalid", message);
}
