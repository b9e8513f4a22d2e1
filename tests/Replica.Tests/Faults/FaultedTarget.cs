using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Npgsql;
using Replica.Core.Runs;
using Replica.Tests.Support;

namespace Replica.Tests.Faults;

/// <summary>
/// The sample's staging target driven through the real executable, with a run stopped on purpose at
/// a fault point (REPLICA_FAULT_AT) and then killed or signalled, and the checks every fault must pass:
/// the next status is truthful, nothing of the run is left behind, the run is recorded as it ended.
/// </summary>
public sealed class FaultedTarget : IAsyncDisposable
{
    public Workspace Workspace { get; } = new();
    private readonly List<string> _history = [];

    public string Root => Workspace.Root;

    /// <summary>A command that must succeed.</summary>
    public async Task<ReplicaProcess.Result> MustAsync(params string[] args)
    {
        var r = await ReplicaProcess.RunAsync(Root, args);
        _history.Add($"$ replica {string.Join(' ', args)} → {r.ExitCode}");
        Assert.True(r.ExitCode == 0, $"replica {string.Join(' ', args)} exited {r.ExitCode}\n{r.All}\n{History}");
        return r;
    }

    public string History => string.Join("\n", _history);

    /// <summary>Runs the command until it reaches the fault point, then sends <paramref name="signal"/>; returns the exit code and output.</summary>
    public async Task<(int Exit, string Output)> FaultAsync(string signal, string step, string point, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ReplicaProcess.Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("REPLICA_CONFIG");
        psi.Environment["REPLICA_FAULT_AT"] = $"{step}:{point}";
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        var stdout = Task.Run(async () => { while (await p.StandardOutput.ReadLineAsync() is { } l) lock (output) output.AppendLine(l); });
        var reached = new TaskCompletionSource();
        var stderr = Task.Run(async () =>
        {
            while (await p.StandardError.ReadLineAsync() is { } l)
            {
                lock (output) output.AppendLine(l);
                if (l.Contains("fault point reached")) reached.TrySetResult();
            }
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var exited = p.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(reached.Task, exited);
        Assert.True(first == reached.Task, $"replica {string.Join(' ', args)} ended before reaching {step}:{point}\n{output}\n{History}");
        using (var kill = Process.Start("kill", [$"-{signal}", p.Id.ToString()])!) await kill.WaitForExitAsync();
        await p.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(stdout, stderr);
        _history.Add($"$ REPLICA_FAULT_AT='{step}:{point}' replica {string.Join(' ', args)}; kill -{signal} → {p.ExitCode}");
        return (p.ExitCode, output.ToString());
    }

    public async Task<JsonElement> StatusAsync()
    {
        var r = await MustAsync("status", "staging", "--json");
        return JsonDocument.Parse(r.Stdout).RootElement[0].Clone();
    }

    public RunStore Store => new(Workspace.StateDir);

    /// <summary>What every interrupted run must leave: a truthful status, nothing of the run behind, the run recorded as it ended.</summary>
    public async Task<JsonElement> CheckAfterFaultAsync(string signal, string runWorkflow, string context)
    {
        var why = $"{context}\n{History}";
        var s = await StatusAsync(); // status repairs first
        var store = Store;
        var record = store.FindTarget("staging");

        // The run: recorded as it ended, no step left running.
        var run = store.ListRuns("staging").First(r => r.Workflow.StartsWith(runWorkflow, StringComparison.Ordinal));
        if (signal == "KILL")
        {
            Assert.True(run.Status == RunStatus.Failed, $"run {run.Id} is {run.Status} after kill -9; {why}");
            Assert.Contains("ended without finishing", run.Message);
        }
        else if (signal == "none") Assert.True(run.Status == RunStatus.Failed, $"run {run.Id} is {run.Status}; {why}");
        else Assert.True(run.Status == RunStatus.Cancelled, $"run {run.Id} is {run.Status} after SIG{signal}: {run.Message}; {why}");
        Assert.NotNull(run.Ended);
        Assert.DoesNotContain(store.Steps(run.Id), st => st.Outcome == "running");
        Assert.Null(store.LockHolder("staging"));

        // Status is truthful: what it shows works, what it does not show does not run.
        var database = s.GetProperty("database");
        var stack = s.GetProperty("stack");
        var state = s.GetProperty("state").GetString();
        if (database.ValueKind != JsonValueKind.Null)
        {
            await using var c = new NpgsqlConnection(ConnectionString(database.GetProperty("url").GetString()!));
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM auth_user", c);
            Assert.Equal(48L, (long)(await cmd.ExecuteScalarAsync())!);
            await using var fsync = new NpgsqlCommand("SHOW fsync", c);
            Assert.Equal("on", (string?)await fsync.ExecuteScalarAsync()); // never a bulk-load instance
        }
        if (stack.ValueKind != JsonValueKind.Null)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var ok = await http.GetAsync(stack.GetProperty("url").GetString() + "healthz");
            Assert.True(ok.IsSuccessStatusCode, $"the stack status shows does not answer; {why}");
        }
        Assert.True((state == "running") == (database.ValueKind != JsonValueKind.Null || stack.ValueKind != JsonValueKind.Null), $"state {state} with database {database} and stack {stack}; {why}");

        // Nothing of the run is left behind: instances, servers, password files, stack processes.
        var kept = record?.Database;
        var instances = Path.Combine(Workspace.StateDir, "targets", "staging", "databases");
        var onDisk = Directory.Exists(instances)
            ? Directory.EnumerateFileSystemEntries(instances).Select(e => Path.GetFileName(e).Replace(".json", "")).Distinct().ToList()
            : [];
        Assert.True(onDisk.All(i => i == kept), $"instances on disk [{string.Join(", ", onDisk)}] but the target serves from {kept}; {why}");
        var servers = PostgresDataDirectories();
        Assert.True(servers.All(d => kept is not null && d.Contains(kept)), $"servers running for [{string.Join(", ", servers)}] but the target serves from {kept}; {why}");
        Assert.Empty(Directory.EnumerateFiles(Root, ".replica-initdb-pw-*", SearchOption.AllDirectories));
        var stackProcesses = StackProcesses();
        // The stack's session: its shell and what the shell started; none at all when status shows no stack.
        Assert.True(stack.ValueKind == JsonValueKind.Null ? stackProcesses == 0 : stackProcesses is >= 1 and <= 2, $"{stackProcesses} stack processes run, status shows stack {stack}; {why}");
        return s;
    }

    /// <summary>Data directories of the postmasters serving this workspace.</summary>
    public List<string> PostgresDataDirectories() =>
        ProcessesWhere(cmdline => cmdline.Length > 2 && cmdline[0].EndsWith("postgres", StringComparison.Ordinal) && cmdline.Contains("-D"))
            .Select(c => c[Array.IndexOf(c, "-D") + 1]).Where(d => d.StartsWith(Root, StringComparison.Ordinal)).ToList();

    /// <summary>Processes of this workspace's stack (the stack's environment names its log in the workspace).</summary>
    public int StackProcesses()
    {
        var n = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var env = File.ReadAllText(Path.Combine(dir, "environ"));
                if (env.Contains($"REPLICA_STACK_LOG={Workspace.StateDir}/", StringComparison.Ordinal) && !File.ReadAllText(Path.Combine(dir, "stat")).Contains(") Z ")) n++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return n;
    }

    private static IEnumerable<string[]> ProcessesWhere(Func<string[], bool> match)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string[] cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (match(cmdline)) yield return cmdline;
        }
    }

    private static string ConnectionString(string url)
    {
        var u = new Uri(url);
        var userInfo = u.UserInfo.Split(':');
        return new NpgsqlConnectionStringBuilder
        {
            Host = u.Host, Port = u.Port, Database = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/')),
            Username = Uri.UnescapeDataString(userInfo[0]), Password = Uri.UnescapeDataString(userInfo[1]), Pooling = false,
        }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        try { await ReplicaProcess.RunAsync(Root, "wipe", "staging"); } catch (Exception) { /* the test already failed */ }
        Workspace.Dispose();
    }
}
