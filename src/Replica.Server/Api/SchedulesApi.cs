using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Core.Schedules;

namespace Replica.Server.Api;

/// <summary>/api/schedules: what `replica schedules --json` prints.</summary>
public static class SchedulesApi
{
    public static RouteGroupBuilder MapSchedulesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/schedules", List).WithTags("schedules")
            .WithSummary("Every schedule: target, workflow, cron, time zone, the next five fire times in UTC and local time, the last fire and its run.");
        return api;
    }

    private static Ok<IReadOnlyList<ScheduleJson>> List(ReplicaConfig config, RunStore store, TimeProvider clock) =>
        TypedResults.Ok(ScheduleListing.Read(config, store, clock.GetUtcNow()));
}
