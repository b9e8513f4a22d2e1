using Replica.Core.Runs;

namespace Replica.Core.Wire;

/// <summary>A run's log and steps as text: what `replica logs` prints and `GET /api/runs/{id}/log` returns.</summary>
public static class RunLogText
{
    public static void Write(RunStore store, RunRecord run, TextWriter o)
    {
        o.WriteLine($"run {run.Id}: {run.Workflow} {run.Target}, {run.Status}, started {run.Started:yyyy-MM-dd'T'HH:mm:ss'Z'}{(run.Ended is { } e ? $", ended {e:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "")}{(run.LaunchedBy is { } by ? $", launched by {by}" : "")}");
        foreach (var line in store.Log(run.Id))
            o.WriteLine($"{line.At:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {line.Level,-7} {line.Message}");
        o.WriteLine("steps:");
        foreach (var s in store.Steps(run.Id))
            o.WriteLine($"  {s.Seq}. {s.Name}: {s.Outcome}{(s.Ended is { } se ? $" in {Seconds((se - s.Started).TotalSeconds)}" : "")}{(s.Message is null ? "" : " — " + s.Message)}");
        DeliveriesText.Write(store.Deliveries(run.Id), o);
    }

    public static string Seconds(double s) =>
        s < 60 ? $"{s:0.0} s" : s < 3600 ? $"{(int)s / 60} min {(int)s % 60:00} s" : $"{(int)s / 3600} h {(int)s % 3600 / 60:00} min";
}
