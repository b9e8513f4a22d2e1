using System.Text.Json;

namespace Replica.Tests.Faults;

/// <summary>
/// For every step of start (side by side, first start and in place), stop, wipe and upgrade on the
/// local platform: the run is stopped inside the step, then killed (kill -9) or signalled (SIGTERM,
/// SIGINT); the next status must be truthful with nothing of the run left behind, the run recorded as
/// it ended, and the next start and stop must succeed with no manual step. One chain of faults per
/// signal (the classes below run side by side).
/// </summary>
public abstract class FaultSuite(string signal)
{
    private static readonly string[] SideBySideSteps = ["create database", "restore database", "sync media", "switch stack", "remove previous database"];
    private static readonly string[] FirstStartSteps = ["create database", "restore database", "sync media", "start stack"];
    private static readonly string[] InPlaceSteps = ["stop stack", "remove database"];
    private static readonly string[] StopSteps = ["stop stack", "remove database"];
    private static readonly string[] WipeSteps = ["stop stack", "remove database", "remove media", "remove target"];

    [Fact]
    public async Task Every_step_survives_the_signal_and_the_target_recovers()
    {
        await using var t = new FaultedTarget();
        await t.MustAsync("start", "staging");
        var url = (await t.StatusAsync()).GetProperty("stack").GetProperty("url").GetString();

        foreach (var step in SideBySideSteps)
        foreach (var point in Points(step))
        {
            var before = await t.StatusAsync();
            await t.FaultAsync(signal, step, point, "start", "staging");
            var s = await t.CheckAfterFaultAsync(signal, "start", $"start: {step}:{point}");
            // The working target was never harmed: it still serves, at the same address.
            Assert.Equal("running", s.GetProperty("state").GetString());
            Assert.Equal(url, s.GetProperty("stack").GetProperty("url").GetString());
            if (step is not ("remove previous database" or "switch stack") || point == "begin")
                Assert.Equal(before.GetProperty("database").GetProperty("port").GetInt32(), s.GetProperty("database").GetProperty("port").GetInt32());
            await t.MustAsync("start", "staging");
        }

        foreach (var point in new[] { "begin", "end" })
        {
            await t.FaultAsync(signal, "start stack", point, "upgrade", "staging", "--image-tag", "2026.12.0");
            var s = await t.CheckAfterFaultAsync(signal, "upgrade", $"upgrade: start stack:{point}");
            Assert.Equal("running", s.GetProperty("state").GetString());
        }

        foreach (var step in InPlaceSteps)
        {
            await t.FaultAsync(signal, step, "end", "start", "staging", "--in-place");
            await t.CheckAfterFaultAsync(signal, "start", $"start --in-place: {step}:end");
            await t.MustAsync("start", "staging");
        }

        foreach (var step in StopSteps)
        {
            await t.FaultAsync(signal, step, "end", "stop", "staging");
            await t.CheckAfterFaultAsync(signal, "stop", $"stop: {step}:end");
            await t.MustAsync("stop", "staging");
            await t.MustAsync("start", "staging");
        }

        foreach (var step in WipeSteps)
        {
            await t.FaultAsync(signal, step, "end", "wipe", "staging");
            await t.CheckAfterFaultAsync(signal, "wipe", $"wipe: {step}:end");
            await t.MustAsync("wipe", "staging");
            // From nothing: the first start of a target.
            var first = FirstStartSteps[Array.IndexOf(WipeSteps, step) % FirstStartSteps.Length];
            await t.FaultAsync(signal, first, "end", "start", "staging");
            await t.CheckAfterFaultAsync(signal, "start", $"first start: {first}:end");
            await t.MustAsync("start", "staging");
        }

        await t.MustAsync("stop", "staging");
        var stopped = await t.StatusAsync();
        Assert.Equal(JsonValueKind.Null, stopped.GetProperty("database").ValueKind);
        Assert.Equal(0, t.StackProcesses());
        Assert.Empty(t.PostgresDataDirectories());
    }

    /// <summary>The long steps are also hit as they begin (before they change anything).</summary>
    private static string[] Points(string step) => step is "create database" or "restore database" or "switch stack" ? ["begin", "end"] : ["end"];
}

public sealed class KillFaultTests() : FaultSuite("KILL");

public sealed class TermFaultTests() : FaultSuite("TERM");

public sealed class IntFaultTests() : FaultSuite("INT");
