using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Launch;
using Replica.Core.Runs;

namespace Replica.Server;

/// <summary>
/// Errors as RFC 9457 problem details whose detail is the one sentence the CLI prints:
/// 400 invalid input, 401 no or bad token, 403 not allowed, 404 unknown, 409 busy, 422 refused by a guard.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult Invalid(string detail) => Of(400, "Invalid request", detail);
    public static ProblemHttpResult Unauthorized(string detail) => Of(401, "Not signed in", detail);
    public static ProblemHttpResult Forbidden(string detail) => Of(403, "Not allowed", detail);
    public static ProblemHttpResult NotFound(string detail) => Of(404, "Not found", detail);
    public static ProblemHttpResult Conflict(string detail, string? runId = null) =>
        Of(409, "Target busy", detail, runId is null ? null : new Dictionary<string, object?> { ["run_id"] = runId });

    /// <summary>What Core refused, as the status the contract gives it.</summary>
    public static ProblemHttpResult From(RefusedException e) => e switch
    {
        TargetBusyException busy => Conflict(busy.Message, busy.RunId),
        InvalidLaunchException => Invalid(e.Message),
        _ => Of(422, "Refused", e.Message),
    };

    public static ProblemHttpResult NoTarget(ReplicaConfig config, string name) =>
        NotFound($"There is no target '{name}' in {config.ConfigPath}; known targets: {string.Join(", ", config.Targets.Keys.Order())}.");

    public static ProblemHttpResult NoRun(string id) => NotFound($"There is no run '{id}'; GET /api/runs lists them.");

    public static ProblemHttpResult CannotOperate(string caller, string target) =>
        Forbidden($"{caller} may not launch or cancel runs on target '{target}'; ask an admin for an operator token that covers it.");
}
