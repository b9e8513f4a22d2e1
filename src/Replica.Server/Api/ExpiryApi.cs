using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Expiry;
using Replica.Core.Runs;
using Replica.Server.Access;

namespace Replica.Server.Api;

/// <summary>POST /api/targets/{t}/extend: resets a target's expiry clock, as a start does.</summary>
public static class ExpiryApi
{
    public sealed record ExtendedJson(string Target, DateTimeOffset Expires);

    public static RouteGroupBuilder MapExpiryApi(this RouteGroupBuilder api)
    {
        api.MapPost("/targets/{target}/extend", Extend).WithTags("targets")
            .WithSummary("Reset the target's expiry clock: it is stopped expire_after_hours from now instead.");
        return api;
    }

    private static Results<Ok<ExtendedJson>, ProblemHttpResult> Extend(string target, HttpContext http, ReplicaConfig config, RunStore store,
        TimeProvider clock, StatusCache status)
    {
        if (!config.Targets.TryGetValue(target, out var t)) return Problems.NoTarget(config, target);
        if (t.Protected) return Problems.From(new RefusedException($"Target '{target}' is protected (production); it never expires."));
        var grant = http.Caller();
        if (!grant.CanOperate(target)) return Problems.CannotOperate(grant.Caller, target);
        if (t.ExpireAfterHours is null)
            return Problems.From(new RefusedException($"Target '{target}' does not expire; set targets.{target}.expire_after_hours in replica.yaml to make it."));
        if (ExpiryClock.Expires(t, store) is null)
            return Problems.From(new RefusedException($"Target '{target}' holds no database, so there is nothing to keep running; start it instead."));
        store.Extend(target, clock.GetUtcNow(), grant.Caller);
        status.Invalidate();
        return TypedResults.Ok(new ExtendedJson(target, ExpiryClock.Expires(t, store)!.Value));
    }
}
