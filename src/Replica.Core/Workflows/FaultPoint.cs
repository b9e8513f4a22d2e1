namespace Replica.Core.Workflows;

/// <summary>
/// A place where the fault tests stop a run on purpose, so that a signal or a kill lands exactly
/// inside the step they aim at. Off unless REPLICA_FAULT_AT names a step and a point
/// ("restore database:end"): then the run announces the point on stderr and waits there until it
/// is killed or cancelled. "begin" is right after the step is recorded as started; "end" is after
/// the step has made all its changes and before it is recorded as done.
/// </summary>
public static class FaultPoint
{
    public const string Variable = "REPLICA_FAULT_AT";

    private static readonly string? Target = Environment.GetEnvironmentVariable(Variable);

    public static async Task ReachedAsync(string step, string point, CancellationToken ct)
    {
        if (Target is null || !Target.Equals($"{step}:{point}", StringComparison.Ordinal)) return;
        await Console.Error.WriteLineAsync($"replica: fault point reached: {step}:{point}");
        await Console.Error.FlushAsync(ct);
        await Task.Delay(Timeout.Infinite, ct);
    }
}
