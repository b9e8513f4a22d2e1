using System.Diagnostics;
using System.Text.Json;
using Replica.Tests.Support;

namespace Replica.Tests.Cli;

public class CancelTests
{
    [Fact]
    public async Task Ctrl_c_during_a_start_cancels_the_run_cleanly()
    {
        using var ws = new Workspace();
        // A stack that never gets ready holds the run in its "start stack" step, so the signal
        // surely arrives while the run is going (a ready stack would let it finish first).
        ws.WriteConfig(ws.DefaultConfig()
            .Replace($"python3 {Path.Combine(Workspace.RepoRoot, "samples", "stack", "app.py")}", "exec sleep 300")
            .Replace("ready_timeout_seconds: 60", "ready_timeout_seconds: 240"));
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = ws.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(ReplicaProcess.Dll);
        psi.ArgumentList.Add("start");
        psi.ArgumentList.Add("staging");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var seen = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await p.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.Add(line);
            if (line.Contains("start stack: started")) break;
        }
        Assert.Contains(seen, l => l.Contains("start stack: started"));
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString()])) await kill.WaitForExitAsync();
        var rest = await p.StandardOutput.ReadToEndAsync(timeout.Token);
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 1, $"exit {p.ExitCode}\n{string.Join("\n", seen)}\n{rest}\n{await stderr}");
        Assert.Contains("cancelled", rest);

        var runs = await ReplicaProcess.RunAsync(ws.Root, "runs", "--json");
        Assert.Equal("cancelled", JsonDocument.Parse(runs.Stdout).RootElement[0].GetProperty("status").GetString());
        var status = await ReplicaProcess.RunAsync(ws.Root, "status", "staging", "--json");
        var s = JsonDocument.Parse(status.Stdout).RootElement[0];
        Assert.Equal(JsonValueKind.Null, s.GetProperty("database").ValueKind); // the database it created is stopped
        Assert.Equal(JsonValueKind.Null, s.GetProperty("stack").ValueKind); // the stack it started is stopped
        // the lock was released
        var stop = await ReplicaProcess.RunAsync(ws.Root, "stop", "staging");
        Assert.Equal(0, stop.ExitCode);
    }
}
