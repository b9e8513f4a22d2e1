using System.Text.Json;
using Replica.Core.Launch;

namespace Replica.Server.Api;

/// <summary>
/// The body of a launch or a plan: `{workflow, image_tag?, from_backup?, max_age_hours?, db_only?,
/// remove_media?, in_place?, allow_media_delete?}`. Read strictly: an unknown field or a wrong
/// type is a 400 naming it, never silently dropped.
/// </summary>
public sealed record LaunchBody(string Workflow, string? ImageTag = null, string? FromBackup = null, int? MaxAgeHours = null,
    bool? DbOnly = null, bool? RemoveMedia = null, bool? InPlace = null, bool? AllowMediaDelete = null)
{
    private static readonly string[] Fields = ["workflow", "image_tag", "from_backup", "max_age_hours", "db_only", "remove_media", "in_place", "allow_media_delete"];

    public static async Task<LaunchRequest> ReadAsync(Stream body, string target, CancellationToken ct)
    {
        JsonDocument doc;
        try { doc = await JsonDocument.ParseAsync(body, cancellationToken: ct); }
        catch (JsonException e) { throw new InvalidLaunchException($"The request body is not JSON ({e.Message.TrimEnd('.')}); send an object such as {{\"workflow\": \"start\"}}."); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidLaunchException("The request body must be a JSON object such as {\"workflow\": \"start\"}.");
            foreach (var p in root.EnumerateObject())
                if (Array.IndexOf(Fields, p.Name) < 0)
                    throw new InvalidLaunchException($"Unknown field '{p.Name}'; the fields are {string.Join(", ", Fields)}.");
            var dbOnly = Bool(root, "db_only");
            return new LaunchRequest(target, WorkflowKinds.Parse(String(root, "workflow"), dbOnly),
                String(root, "image_tag"), String(root, "from_backup"), Int(root, "max_age_hours"),
                Bool(root, "remove_media"), Bool(root, "in_place"), Bool(root, "allow_media_delete"));
        }
    }

    private static string? String(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => v.GetString(),
        _ => throw new InvalidLaunchException($"Field '{name}' must be a string."),
    } : null;

    private static int? Int(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when v.TryGetInt32(out var n) => n,
        _ => throw new InvalidLaunchException($"Field '{name}' must be a whole number."),
    } : null;

    private static bool Bool(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False => false,
        JsonValueKind.True => true,
        _ => throw new InvalidLaunchException($"Field '{name}' must be true or false."),
    };
}

/// <summary>The answer to a launch: the run exists and holds the target.</summary>
public sealed record LaunchedJson(string Id, string Target, string Workflow, string Status);
