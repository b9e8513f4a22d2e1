namespace Replica.Core.Launch;

/// <summary>The workflows a front end can launch on a target.</summary>
public enum WorkflowKind { Start, StartDbOnly, Stop, Wipe, Upgrade }

public static class WorkflowKinds
{
    /// <summary>The names a request gives (db-only is start with db_only).</summary>
    public static readonly IReadOnlyList<string> Names = ["start", "stop", "wipe", "upgrade"];

    /// <summary>As the run store records the workflow.</summary>
    public static string ToRecorded(this WorkflowKind kind) => kind switch
    {
        WorkflowKind.Start => "start",
        WorkflowKind.StartDbOnly => "start --db-only",
        WorkflowKind.Stop => "stop",
        WorkflowKind.Wipe => "wipe",
        WorkflowKind.Upgrade => "upgrade",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string ToName(this WorkflowKind kind) => kind == WorkflowKind.StartDbOnly ? "start" : ToRecorded(kind);

    public static WorkflowKind Parse(string? name, bool dbOnly) => name switch
    {
        "start" => dbOnly ? WorkflowKind.StartDbOnly : WorkflowKind.Start,
        "stop" => WorkflowKind.Stop,
        "wipe" => WorkflowKind.Wipe,
        "upgrade" => WorkflowKind.Upgrade,
        null => throw new InvalidLaunchException("The request names no workflow; give workflow: start, stop, wipe or upgrade."),
        _ => throw new InvalidLaunchException($"Workflow '{name}' does not exist; give start, stop, wipe or upgrade."),
    };
}
