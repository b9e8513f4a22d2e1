using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Replica.Core.Launch;
using Replica.Core.Runs;
using Replica.Core.Wire;
using Replica.Server.Access;
using Replica.Server.Events;

namespace Replica.Server.Api;

/// <summary>/api/runs: history, one run with its steps, its log, its live events, cancel.</summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/runs").WithTags("runs");
        g.MapGet("/", List).WithSummary("Runs, newest first, as `replica runs --json` (with launched_by); filter by target and status.");
        g.MapGet("/{id}", One).WithSummary("One run with its steps, latest progress and notification deliveries (each attempt and its outcome).");
        g.MapGet("/{id}/log", Log).Produces<string>(200, "text/plain").ProducesProblem(404).WithSummary("The run's log and steps as text, as `replica logs`.");
        g.MapGet("/{id}/events", Events).Produces(200, contentType: "text/event-stream").ProducesProblem(404)
            .WithSummary("The run's events (log, step, progress, end) as Server-Sent Events; Last-Event-ID or ?after= resumes after that event.");
        g.MapPost("/{id}/cancel", Cancel).WithSummary("Cancel a running run, as Ctrl-C: it undoes what it made and ends cancelled.");
        return api;
    }

    private static Results<Ok<List<RunJson>>, ProblemHttpResult> List(RunStore store, string? target, string? status, int? limit)
    {
        if (limit is <= 0) return Problems.Invalid($"limit must be a positive whole number, not {limit}.");
        if (status is not (null or RunStatus.Running or RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled))
            return Problems.Invalid($"status '{status}' is not a run status; give running, succeeded, failed or cancelled.");
        IEnumerable<RunRecord> runs = store.ListRuns(target);
        if (status is not null) runs = runs.Where(r => r.Status == status);
        return TypedResults.Ok(runs.Take(limit ?? 100).Select(RunJson.From).ToList());
    }

    /// <summary>A run with its steps and its latest progress.</summary>
    public sealed record RunDetailJson(RunJson Run, IReadOnlyList<StepJson> Steps, ProgressJson? Progress, IReadOnlyList<DeliveryJson> Deliveries);

    private static Results<Ok<RunDetailJson>, ProblemHttpResult> One(string id, RunStore store)
    {
        if (store.FindRun(id) is not { } run) return Problems.NoRun(id);
        return TypedResults.Ok(new RunDetailJson(RunJson.From(run), store.Steps(id).Select(StepJson.From).ToList(),
            store.LatestProgress(id) is { } p ? ProgressJson.From(p) : null, store.Deliveries(id).Select(DeliveryJson.From).ToList()));
    }

    private static Results<ContentHttpResult, ProblemHttpResult> Log(string id, RunStore store)
    {
        if (store.FindRun(id) is not { } run) return Problems.NoRun(id);
        var text = new StringWriter();
        RunLogText.Write(store, run, text);
        return TypedResults.Text(text.ToString(), "text/plain; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<IResult> Events(string id, long? after, HttpContext http, RunStore store, RunEventFeed feed)
    {
        if (store.FindRun(id) is null) return Problems.NoRun(id);
        var resumeAfter = after ?? 0;
        var header = http.Request.Headers["Last-Event-ID"].ToString();
        if (header.Length > 0)
        {
            if (!long.TryParse(header, out var h) || h < 0) return Problems.Invalid($"Last-Event-ID '{header}' is not an event id; send the id: of the last event received.");
            resumeAfter = h;
        }
        if (resumeAfter < 0) return Problems.Invalid($"after must be an event id (0 or more), not {resumeAfter}.");
        await EventStream.WriteAsync(http, store, feed, id, resumeAfter);
        return TypedResults.Empty;
    }

    public sealed record CancelJson(string Id, string Status);

    private static Results<Accepted<CancelJson>, ProblemHttpResult> Cancel(string id, HttpContext http, RunStore store, RunLauncher launcher)
    {
        if (store.FindRun(id) is not { } run) return Problems.NoRun(id);
        var grant = http.Caller();
        if (!grant.CanOperate(run.Target)) return Problems.CannotOperate(grant.Caller, run.Target);
        if (run.Status != RunStatus.Running || !launcher.Cancel(id))
            return Problems.Of(409, "Run not running", $"Run {id} is not running here ({store.FindRun(id)?.Status ?? run.Status}); there is nothing to cancel.");
        return TypedResults.Accepted($"/api/runs/{id}", new CancelJson(id, "cancelling"));
    }
}
