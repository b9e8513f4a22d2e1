using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Launch;
using Replica.Core.Wire;
using Replica.Server.Access;

namespace Replica.Server.Api;

/// <summary>/api/targets: status, plan, launch.</summary>
public static class TargetsApi
{
    public static RouteGroupBuilder MapTargetsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/targets").WithTags("targets");
        g.MapGet("/", List).WithSummary("Every target, as `replica status --json` prints it (database.url with its password only for callers allowed to operate the target).");
        g.MapGet("/{target}", One).WithSummary("One target, as `replica status TARGET --json`.");
        g.MapPost("/{target}/plan", Plan).Accepts<LaunchBody>("application/json")
            .WithSummary("What a workflow would do on the target: every guard checked, nothing changed.");
        g.MapPost("/{target}/runs", Launch).Accepts<LaunchBody>("application/json")
            .WithSummary("Launch a workflow; 202 once the run holds the target, with Location: /api/runs/{id}.");
        return api;
    }

    private static async Task<Ok<List<TargetJson>>> List(HttpContext http, StatusCache status)
    {
        var grant = http.Caller();
        var all = await status.AllAsync();
        return TypedResults.Ok(all.Select(s => TargetJson.From(s, grant.SeesSecretsOf(s.Target))).ToList());
    }

    private static async Task<Results<Ok<TargetJson>, ProblemHttpResult>> One(string target, HttpContext http, StatusCache status, ReplicaConfig config)
    {
        if (!config.Targets.TryGetValue(target, out var t)) return Problems.NoTarget(config, target);
        if (t.Protected) return Problems.From(new RefusedException($"Target '{target}' is protected (production); replica keeps no state for it."));
        var s = (await status.AllAsync()).First(x => x.Target == target);
        return TypedResults.Ok(TargetJson.From(s, http.Caller().SeesSecretsOf(target)));
    }

    private static async Task<Results<Ok<WorkflowPlan>, ProblemHttpResult>> Plan(string target, HttpContext http, ReplicaConfig config, WorkflowPlanner planner)
    {
        if (!config.Targets.ContainsKey(target)) return Problems.NoTarget(config, target);
        var grant = http.Caller();
        if (!grant.CanOperate(target)) return Problems.CannotOperate(grant.Caller, target);
        try
        {
            var request = await LaunchBody.ReadAsync(http.Request.Body, target, http.RequestAborted);
            return TypedResults.Ok(await planner.PlanAsync(request, http.RequestAborted));
        }
        catch (RefusedException e) { return Problems.From(e); }
    }

    private static async Task<Results<Accepted<LaunchedJson>, ProblemHttpResult>> Launch(string target, HttpContext http, ReplicaConfig config,
        RunLauncher launcher, StatusCache status)
    {
        if (!config.Targets.ContainsKey(target)) return Problems.NoTarget(config, target);
        var grant = http.Caller();
        if (!grant.CanOperate(target)) return Problems.CannotOperate(grant.Caller, target);
        try
        {
            var request = await LaunchBody.ReadAsync(http.Request.Body, target, http.RequestAborted);
            var handle = await launcher.LaunchAsync(request, grant.Caller);
            status.Invalidate();
            _ = handle.Completion.ContinueWith(_ => status.Invalidate(), TaskScheduler.Default);
            return TypedResults.Accepted($"/api/runs/{handle.RunId}", new LaunchedJson(handle.RunId, target, request.Kind.ToName(), "running"));
        }
        catch (RefusedException e) { return Problems.From(e); }
    }
}
