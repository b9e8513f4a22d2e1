using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Replica.Core.Access;
using Replica.Schedules.Tests.Support;
using Replica.Tests.Support;

namespace Replica.Schedules.Tests;

/// <summary>GET /api/schedules and `replica schedules --json` agree; POST …/extend answers by the contract's status codes.</summary>
public sealed class ScheduleApiTests : IDisposable
{
    private readonly Sandbox _box = new();
    public void Dispose() => _box.Dispose();

    [Fact]
    public async Task Schedules_are_listed_alike_by_the_API_and_the_CLI_and_extend_is_refused_where_it_must_be()
    {
        var config = _box.Write("""
            schedules:
              nightly-staging:
                target: staging
                workflow: start
                cron: "30 2 * * *"
                time_zone: Europe/London
                options: { max_age_hours: 6 }
            """, targetExtra: "expire_after_hours: 72");
        await using var server = await ServerUnderTest.StartAsync(config);
        using var viewer = new HttpClient { BaseAddress = server.Url };
        viewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new AccessTokens(server.Store).Create("v", Role.Viewer, []));
        using var alan = new HttpClient { BaseAddress = server.Url };
        alan.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new AccessTokens(server.Store).Create("alan", Role.Operator, ["dev-*"]));

        var api = JsonDocument.Parse(await viewer.GetStringAsync("/api/schedules")).RootElement;
        var cli = await ReplicaProcess.RunAsync(_box.Root, "schedules", "--json", "--config", _box.ConfigPath);
        Assert.Equal(0, cli.ExitCode);
        var fromCli = JsonDocument.Parse(cli.Stdout).RootElement;
        var s = Assert.Single(api.EnumerateArray());
        var c = Assert.Single(fromCli.EnumerateArray());
        foreach (var field in new[] { "name", "target", "workflow", "cron", "time_zone" })
            Assert.Equal(s.GetProperty(field).GetString(), c.GetProperty(field).GetString());
        Assert.Equal("6", s.GetProperty("options").GetProperty("max_age_hours").GetString());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("last_fire").ValueKind);
        var next = s.GetProperty("next").EnumerateArray().ToList();
        Assert.Equal(5, next.Count);
        Assert.All(next, n => Assert.Equal(n.GetProperty("utc").GetDateTimeOffset(), DateTimeOffset.Parse(n.GetProperty("local").GetString()!)));
        Assert.Equal(s.GetProperty("next")[0].GetProperty("utc").GetString(), c.GetProperty("next")[0].GetProperty("utc").GetString());

        using var anonymous = new HttpClient { BaseAddress = server.Url };
        var doc = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/schedules", paths);
        Assert.Contains("/api/targets/{target}/extend", paths);

        async Task<(HttpStatusCode Status, string Detail)> Extend(HttpClient client, string target)
        {
            var r = await client.PostAsync($"/api/targets/{target}/extend", null);
            var body = await r.Content.ReadAsStringAsync();
            return (r.StatusCode, r.IsSuccessStatusCode ? body : JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await Extend(viewer, "dev")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Extend(alan, "staging")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Extend(server.Admin, "nowhere")).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Extend(server.Admin, "production")).Status);
        var idle = await Extend(server.Admin, "dev");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, idle.Status);
        Assert.Contains("holds no database", idle.Detail);
        Assert.Empty(server.Store.ListRuns(null));
    }
}
