using System.Text.Json;
using Replica.Tests.Support;

namespace Replica.Tests.Cli;

/// <summary>The replica executable as users and scripts meet it: output, JSON shapes, exit codes.</summary>
public class CliTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose()
    {
        ReplicaProcess.RunAsync(_ws.Root, "stop", "staging").GetAwaiter().GetResult();
        _ws.Dispose();
    }

    private Task<ReplicaProcess.Result> Run(params string[] args) => ReplicaProcess.RunAsync(_ws.Root, args);

    [Fact]
    public async Task Start_status_runs_logs_stop_through_the_executable()
    {
        var start = await Run("start", "staging");
        Assert.True(start.ExitCode == 0, start.All);
        Assert.Contains("start staging: succeeded", start.Stdout);
        Assert.Contains("image tag   2026.11.2", start.Stdout);
        Assert.Matches(@"Database:  psql ""postgresql://postgres:[^@]+@127\.0\.0\.1:\d+/frag""", start.Stdout);
        Assert.Contains($"Media:     {_ws.TargetMedia("staging")}", start.Stdout);
        Assert.Matches(@"Stack:     http://127\.0\.0\.1:\d+/", start.Stdout);
        Assert.Contains("replica stop staging", start.Stdout);
        Assert.Contains("replica status staging", start.Stdout);

        var status = await Run("status", "--json");
        Assert.Equal(0, status.ExitCode);
        var s = JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray().Single(e => e.GetProperty("target").GetString() == "staging");
        Assert.Equal("running", s.GetProperty("state").GetString());
        Assert.Equal("local", s.GetProperty("platform").GetString());
        Assert.Equal("2026.11.2", s.GetProperty("image_tag").GetString());
        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", s.GetProperty("backup").GetProperty("name").GetString());
        var db = s.GetProperty("database");
        Assert.Equal("127.0.0.1", db.GetProperty("host").GetString());
        Assert.Equal("frag", db.GetProperty("name").GetString());
        var url = db.GetProperty("url").GetString()!;
        var password = Uri.UnescapeDataString(new Uri(url).UserInfo.Split(':')[1]);
        Assert.Contains(url, start.Stdout); // the connection line carries the same URL
        Assert.Equal(_ws.TargetMedia("staging"), s.GetProperty("media").GetProperty("path").GetString());
        Assert.StartsWith("http://127.0.0.1:", s.GetProperty("stack").GetProperty("url").GetString());
        var runId = s.GetProperty("last_run").GetProperty("id").GetString()!;

        var plainStatus = await Run("status", "staging");
        Assert.DoesNotContain(password, plainStatus.Stdout);

        var runs = await Run("runs", "--target", "staging", "--json");
        var run = JsonDocument.Parse(runs.Stdout).RootElement[0];
        foreach (var field in new[] { "id", "target", "workflow", "status", "started", "ended", "parameters" })
            Assert.True(run.TryGetProperty(field, out _), $"runs --json lacks {field}");
        Assert.Equal(runId, run.GetProperty("id").GetString());
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("start", run.GetProperty("workflow").GetString());

        var logs = await Run("logs", runId);
        Assert.Equal(0, logs.ExitCode);
        Assert.Contains("restore database: succeeded", logs.Stdout);
        Assert.Contains("sync media: succeeded", logs.Stdout);
        Assert.DoesNotContain(password, logs.Stdout);

        var stop = await Run("stop", "staging");
        Assert.True(stop.ExitCode == 0, stop.All);
        Assert.Contains("Media kept at", stop.Stdout);
        Assert.DoesNotContain(password, stop.All);
    }

    [Fact]
    public async Task Plan_start_prints_the_choice_and_changes_nothing()
    {
        var plan = await Run("plan", "start", "staging", "--from-backup", "2026-11-22");
        Assert.True(plan.ExitCode == 0, plan.All);
        Assert.Contains("backup-2026-11-22T02:04:07Z-dumpall.sql.gz", plan.Stdout);
        Assert.Contains("database-dump", plan.Stdout);
        Assert.Contains("2026.11.2 (production's)", plan.Stdout);
        Assert.Contains("new: everything is copied", plan.Stdout);
        Assert.False(Directory.Exists(Path.Combine(_ws.StateDir, "targets")));
    }

    [Fact]
    public async Task Backups_json_lists_newest_first_with_flavour_from_content()
    {
        var r = await Run("backups", "--json");
        Assert.Equal(0, r.ExitCode);
        var list = JsonDocument.Parse(r.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(4, list.Count);
        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", list[0].GetProperty("name").GetString());
        Assert.Equal("2026-11-24T02:04:07Z", list[0].GetProperty("time").GetString());
        Assert.Equal("cluster-dump", list[0].GetProperty("flavour").GetString());
        Assert.Equal("database-dump", list[3].GetProperty("flavour").GetString());
        Assert.True(list[0].GetProperty("size_bytes").GetInt64() > 0);
        Assert.Equal("hourly", list[0].GetProperty("kind").GetString());
        Assert.EndsWith("hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz", list[0].GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("start nosuch", "no target 'nosuch'")]
    [InlineData("start production", "protected")]
    [InlineData("stop production", "protected")]
    [InlineData("wipe production", "protected")]
    [InlineData("start staging --image-tag 1.0.0", "'1.0.0' differs from production's '2026.11.2'")]
    [InlineData("start staging --from-backup 1999-01-01", "No backup")]
    [InlineData("start staging --max-age-hours 1", "--max-age-hours 1")]
    [InlineData("upgrade staging", "--image-tag")]
    [InlineData("logs no-such-run", "no run 'no-such-run'")]
    [InlineData("start", "TARGET")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("start staging --bogus", "Unknown option 'bogus'")]
    [InlineData("start staging --max-age-hours soon", "positive whole number of hours, not 'soon'")]
    public async Task Bad_input_exits_2_with_one_sentence(string args, string expected)
    {
        var r = await Run(args.Split(' '));
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.All}");
        Assert.Contains(expected, r.All);
        Assert.DoesNotContain("   at ", r.All); // no stack trace
    }

    [Fact]
    public async Task A_config_error_names_the_key_and_line_and_exits_2()
    {
        File.AppendAllText(_ws.ConfigPath, "\nextra_key: 1\n");
        var r = await Run("status");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown key 'extra_key'", r.Stderr);
        Assert.Matches(@"line \d+", r.Stderr);
    }

    [Fact]
    public async Task Config_is_found_by_flag_then_environment_then_current_folder()
    {
        var elsewhere = Directory.CreateTempSubdirectory("replica-cwd-").FullName;
        try
        {
            var none = await ReplicaProcess.RunAsync(elsewhere, "status");
            Assert.Equal(2, none.ExitCode);
            Assert.Contains("No replica.yaml", none.Stderr);
            Assert.Equal(0, (await ReplicaProcess.RunAsync(elsewhere, "status", "--config", _ws.ConfigPath)).ExitCode);
            var viaEnv = await ReplicaProcess.RunAsync(elsewhere, new Dictionary<string, string> { ["REPLICA_CONFIG"] = _ws.ConfigPath }, "status");
            Assert.Equal(0, viaEnv.ExitCode);
            Assert.Contains("staging (local): stopped", viaEnv.Stdout);
        }
        finally { Directory.Delete(elsewhere, true); }
    }

    [Fact]
    public async Task A_failed_run_exits_1_naming_the_run_id()
    {
        var latest = Path.Combine(_ws.Backups, "hourly", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz");
        var bytes = File.ReadAllBytes(latest);
        File.WriteAllBytes(Path.Combine(_ws.Backups, "hourly", "backup-2026-11-25T02:04:07Z-dumpall.sql.gz"), bytes[..(bytes.Length / 2)]);
        var r = await Run("start", "staging", "--db-only");
        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"FAILED \(run \d{8}T\d{6}-[0-9a-f]{4}\)", r.Stdout);
        Assert.Contains("replica logs ", r.Stdout);
        Assert.Contains("backup-2026-11-25T02:04:07Z-dumpall.sql.gz", r.Stdout);
    }
}
