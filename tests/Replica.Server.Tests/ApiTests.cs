using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using static Replica.Server.Tests.ServerHost;

namespace Replica.Server.Tests;

/// <summary>The REST API against a real Kestrel on 127.0.0.1 with real runs on the local platform.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private ServerHost _host = null!;

    public async Task InitializeAsync() => _host = await StartAsync();
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<JsonElement> Problem(HttpResponseMessage r, HttpStatusCode expected)
    {
        Assert.Equal(expected, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var p = await ReadJson(r);
        Assert.Equal((int)expected, p.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("detail").GetString()));
        return p;
    }

    [Fact]
    public async Task Health_and_the_OpenAPI_document_need_no_token_and_the_api_does()
    {
        using var anon = _host.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/healthz")).StatusCode);
        var doc = await ReadJson(await anon.GetAsync("/openapi/v1.json"));
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var p in new[] { "/healthz", "/api/targets", "/api/targets/{target}", "/api/backups", "/api/runs", "/api/runs/{id}", "/api/runs/{id}/log",
                     "/api/runs/{id}/events", "/api/targets/{target}/plan", "/api/targets/{target}/runs", "/api/runs/{id}/cancel" })
            Assert.Contains(p, paths);
        await Problem(await anon.GetAsync("/api/targets"), HttpStatusCode.Unauthorized);
        using var bad = _host.Client("rpl_not-a-real-token");
        var p401 = await Problem(await bad.GetAsync("/api/runs"), HttpStatusCode.Unauthorized);
        Assert.Contains("unknown or revoked", p401.GetProperty("detail").GetString());
        // The page shell is served to anyone; the data behind it is not.
        Assert.Contains("replica", await (await anon.GetAsync("/")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_revoked_by_another_process_is_refused_on_its_next_request()
    {
        using var viewer = _host.Client(_host.Token("viewer"));
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/targets")).StatusCode);
        // What `replica tokens revoke viewer` does from another process: its own connection to the run store.
        var other = new Replica.Core.Runs.RunStore(_host.Config.StateDirectory);
        Assert.True(other.RevokeToken("viewer"));
        var p = await Problem(await viewer.GetAsync("/api/targets"), HttpStatusCode.Unauthorized);
        Assert.Contains("unknown or revoked", p.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Role_and_target_matrix_decides_who_may_launch_and_bad_requests_are_refused_before_any_run()
    {
        using var viewer = _host.Client(_host.Token("viewer"));
        using var alan = _host.Client(_host.Token("alan"));
        using var admin = _host.Client(_host.Token("admin"));
        var stop = Json("""{"workflow":"stop"}""");
        await Problem(await viewer.PostAsync("/api/targets/dev-alan/runs", Json("""{"workflow":"stop"}""")), HttpStatusCode.Forbidden);
        var p = await Problem(await alan.PostAsync("/api/targets/staging/runs", Json("""{"workflow":"stop"}""")), HttpStatusCode.Forbidden);
        Assert.Contains("token:alan", p.GetProperty("detail").GetString());
        await Problem(await alan.PostAsync("/api/targets/nowhere/runs", Json("""{"workflow":"stop"}""")), HttpStatusCode.NotFound);
        var unknown = await Problem(await alan.PostAsync("/api/targets/dev-alan/runs", Json("""{"workflow":"stop","remove_medias":true}""")), HttpStatusCode.BadRequest);
        Assert.Contains("remove_medias", unknown.GetProperty("detail").GetString());
        var misplaced = await Problem(await alan.PostAsync("/api/targets/dev-alan/runs", Json("""{"workflow":"stop","image_tag":"1.0"}""")), HttpStatusCode.BadRequest);
        Assert.Contains("image_tag", misplaced.GetProperty("detail").GetString());
        await Problem(await alan.PostAsync("/api/targets/dev-alan/runs", Json("""{"workflow":"restart"}""")), HttpStatusCode.BadRequest);
        var tag = await Problem(await alan.PostAsync("/api/targets/dev-alan/runs", Json("""{"workflow":"start","image_tag":"1999.1.1"}""")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("1999.1.1", tag.GetProperty("detail").GetString());
        var prot = await Problem(await admin.PostAsync("/api/targets/production/runs", Json("""{"workflow":"stop"}""")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("protected", prot.GetProperty("detail").GetString());
        Assert.Empty(_host.Store.ListRuns(null)); // every refusal came before a run existed

        var launched = await alan.PostAsync("/api/targets/dev-alan/runs", stop);
        Assert.Equal(HttpStatusCode.Accepted, launched.StatusCode);
        var body = await ReadJson(launched);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"/api/runs/{id}", launched.Headers.Location?.OriginalString);
        Assert.Equal("stop", body.GetProperty("workflow").GetString());
        Assert.Equal("running", body.GetProperty("status").GetString());
        Assert.Equal("succeeded", await _host.WaitForEndAsync(id));
        var runs = await ReadJson(await viewer.GetAsync("/api/runs?target=dev-alan&status=succeeded&limit=5"));
        Assert.Equal("token:alan", runs[0].GetProperty("launched_by").GetString());
        await Problem(await viewer.GetAsync("/api/runs?status=odd"), HttpStatusCode.BadRequest);
        await Problem(await viewer.GetAsync("/api/runs/no-such-run"), HttpStatusCode.NotFound);
        await Problem(await viewer.PostAsync($"/api/runs/{id}/cancel", null), HttpStatusCode.Forbidden);
        await Problem(await alan.PostAsync($"/api/runs/{id}/cancel", null), HttpStatusCode.Conflict); // it has ended
        // Tokens are for admins only.
        await Problem(await alan.GetAsync("/api/tokens"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/tokens")).StatusCode);
    }

    [Fact]
    public async Task A_start_streams_log_steps_progress_and_end_resumes_after_Last_Event_ID_and_a_second_launch_is_409_naming_it()
    {
        using var ops = _host.Client(_host.Token("ops"));
        using var viewer = _host.Client(_host.Token("viewer"));
        var plan = await ReadJson(await ops.PostAsync("/api/targets/staging/plan", Json("""{"workflow":"start"}""")));
        Assert.Equal((await File.ReadAllTextAsync(Path.Combine(_host.Root, "production", "stack-image-tag"))).Trim(), plan.GetProperty("image_tag").GetString());
        Assert.Contains("restore database", plan.GetProperty("steps").EnumerateArray().Select(s => s.GetString()));

        var launched = await ReadJson(await ops.PostAsync("/api/targets/staging/runs", Json("""{"workflow":"start"}""")));
        var id = launched.GetProperty("id").GetString()!;
        var busy = await Problem(await ops.PostAsync("/api/targets/staging/runs", Json("""{"workflow":"stop"}""")), HttpStatusCode.Conflict);
        Assert.Contains(id, busy.GetProperty("detail").GetString());
        Assert.Equal(id, busy.GetProperty("run_id").GetString());

        var events = new List<SseReader.Event>();
        using (var stream = await viewer.GetStreamAsync($"/api/runs/{id}/events"))
            await foreach (var e in SseReader.ReadAsync(stream)) events.Add(e);
        Assert.Equal("end", events[^1].Kind);
        Assert.Equal("succeeded", JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("status").GetString());
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id)); // in order
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Contains(events, e => e.Kind == "step" && e.Data.Contains("\"restore database\""));
        Assert.Contains(events, e => e.Kind == "progress" && e.Data.Contains("bytes_done"));
        Assert.Contains(events, e => e.Kind == "log" && e.Data.Contains($"run {id} succeeded"));
        Assert.All(events, e => Assert.Contains($"\"run_id\":\"{id}\"", e.Data));

        // Resume after an event in the middle, by header and by ?after=: exactly the rest.
        var mid = events[events.Count / 2].Id;
        var rest = events.Where(e => e.Id > mid).Select(e => e.Id).ToList();
        using (var req = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{id}/events"))
        {
            req.Headers.Add("Last-Event-ID", mid.ToString());
            using var resp = await viewer.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", resp.Content.Headers.ContentType?.MediaType);
            var resumed = new List<long>();
            await foreach (var e in SseReader.ReadAsync(await resp.Content.ReadAsStreamAsync())) resumed.Add(e.Id);
            Assert.Equal(rest, resumed);
        }
        var viaQuery = new List<long>();
        await foreach (var e in SseReader.ReadAsync(await viewer.GetStreamAsync($"/api/runs/{id}/events?after={mid}"))) viaQuery.Add(e.Id);
        Assert.Equal(rest, viaQuery);

        var detail = await ReadJson(await viewer.GetAsync($"/api/runs/{id}"));
        Assert.Equal("succeeded", detail.GetProperty("run").GetProperty("status").GetString());
        Assert.All(detail.GetProperty("steps").EnumerateArray(), s => Assert.Equal("succeeded", s.GetProperty("outcome").GetString()));
        // The latest progress stored is the last step that reported any (a full start ends with the media sync).
        var latest = detail.GetProperty("progress");
        Assert.Equal("sync media", latest.GetProperty("step").GetString());
        Assert.Equal(latest.GetProperty("files_total").GetInt64(), latest.GetProperty("files_done").GetInt64());
        var log = await viewer.GetAsync($"/api/runs/{id}/log");
        Assert.Equal("text/plain", log.Content.Headers.ContentType?.MediaType);
        var text = await log.Content.ReadAsStringAsync();
        Assert.Contains($"run {id}: start staging, succeeded", text);
        Assert.Contains("launched by token:ops", text);

        // The password only for those who may operate the target.
        var asViewer = await ReadJson(await viewer.GetAsync("/api/targets/staging"));
        var asOps = await ReadJson(await ops.GetAsync("/api/targets/staging"));
        Assert.Contains(":***@", asViewer.GetProperty("database").GetProperty("url").GetString());
        Assert.DoesNotContain("***", asOps.GetProperty("database").GetProperty("url").GetString());
        Assert.Equal("running", asOps.GetProperty("state").GetString());
        var backups = await ReadJson(await viewer.GetAsync("/api/backups"));
        Assert.Contains(backups.EnumerateArray(), b => b.GetProperty("name").GetString() == plan.GetProperty("backup").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/targets")).StatusCode);
        await Problem(await viewer.GetAsync("/api/targets/nowhere"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_run_started_by_the_CLI_is_visible_and_followable_in_the_API_and_cancelled_through_it()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _host.Root };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "replica.dll"), "start", "dev-alan", "--db-only", "--config", _host.ConfigPath })
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("REPLICA_CONFIG");
        using var cli = Process.Start(psi)!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var errors = cli.StandardError.ReadToEndAsync();
        using var alan = _host.Client(_host.Token("alan"));
        string? id = null;
        for (var i = 0; i < 600 && id is null; i++)
        {
            var runs = await ReadJson(await alan.GetAsync("/api/runs?target=dev-alan&status=running"));
            if (runs.GetArrayLength() > 0) id = runs[0].GetProperty("id").GetString();
            else await Task.Delay(100);
        }
        Assert.NotNull(id);
        var seen = new List<SseReader.Event>();
        await using (var stream = await alan.GetStreamAsync($"/api/runs/{id}/events"))
        {
            var cancelled = false;
            await foreach (var e in SseReader.ReadAsync(stream))
            {
                seen.Add(e);
                // Cancel once the stack is starting (the test's stack waits before it answers).
                if (!cancelled && e.Kind == "step" && e.Data.Contains("\"start stack\"") && e.Data.Contains("\"running\""))
                {
                    Assert.Equal(HttpStatusCode.Accepted, (await alan.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
                    cancelled = true;
                }
            }
            Assert.True(cancelled, "the run never reached its start stack step: " + string.Join("\n", seen.Select(s => s.Data)));
        }
        await cli.WaitForExitAsync();
        Assert.Equal("end", seen[^1].Kind);
        Assert.Contains("\"cancelled\"", seen[^1].Data);
        var run = (await ReadJson(await alan.GetAsync($"/api/runs/{id}"))).GetProperty("run");
        Assert.Equal("cancelled", run.GetProperty("status").GetString());
        Assert.StartsWith("cli:", run.GetProperty("launched_by").GetString());
        Assert.Contains("cancelled", await output + await errors);
    }
}
