using System.Text.Json.Nodes;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>`propagationPolicy`, `gracePeriodSeconds` and preconditions, from the query or a DeleteOptions body.</summary>
public sealed record DeleteOptions(string? PropagationPolicy, int? GracePeriodSeconds, string? PreconditionUid, string? PreconditionResourceVersion, bool DryRun)
{
    public static DeleteOptions From(Func<string, string?> query, JsonObject? body)
    {
        int? grace = int.TryParse(query("gracePeriodSeconds"), out var g) ? g : (int?)body?["gracePeriodSeconds"];
        var policy = query("propagationPolicy") ?? (string?)body?["propagationPolicy"];
        if (policy is null && ((bool?)body?["orphanDependents"] ?? bool.TryParse(query("orphanDependents"), out var o) && o) is bool orphan)
            policy = orphan ? "Orphan" : null;
        var dryRun = query("dryRun") == "All" || body?["dryRun"] is JsonArray { Count: > 0 };
        return new DeleteOptions(policy, grace, (string?)body?["preconditions"]?["uid"], (string?)body?["preconditions"]?["resourceVersion"], dryRun);
    }
}
