using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// A failure answered as a `Status` object shaped exactly like the real API server's,
/// so the client's HttpOperationException carries the same code, reason and body.
/// </summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (details is not null) status["details"] = details.DeepClone();
        status["code"] = Code;
        return status;
    }

    private static JsonObject Details(ResourceType type, string name)
    {
        var d = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0) d["group"] = type.Group;
        d["kind"] = type.Plural;
        return d;
    }

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedPlural} \"{name}\" not found", Details(type, name));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedPlural} \"{name}\" already exists", Details(type, name));

    public static ApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedPlural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(type, name));

    public static ApiException NamespaceTerminating(ResourceType type, string name, string ns) =>
        new(403, "Forbidden",
            $"{type.QualifiedPlural} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
            Details(type, name));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Invalid(ResourceType type, string name, string field, string problem)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0) details["group"] = type.Group;
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(new JsonObject
        {
            ["reason"] = "FieldValueInvalid",
            ["message"] = problem,
            ["field"] = field,
        });
        var kind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        return new(422, "Invalid", $"{kind} \"{name}\" is invalid: {field}: {problem}", details);
    }

    /// <summary>Every cause at once, as the real server reports a failed validation: `Kind "name" is invalid: [a: …, b: …]`.</summary>
    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<Cause> causes)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0) details["group"] = type.Group;
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field }).ToArray());
        var kind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        var list = causes.Select(c => $"{c.Field}: {c.Message}").ToList();
        return new(422, "Invalid", $"{kind} \"{name}\" is invalid: {(list.Count == 1 ? list[0] : $"[{string.Join(", ", list)}]")}", details);
    }

    public static ApiException MethodNotAllowed(string verb, ResourceType type) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({verb} {type.QualifiedPlural})");

    public static ApiException Gone(string message) => new(410, "Expired", message);
}
