namespace Replica.Core.Launch;

/// <summary>
/// What a workflow would do on a target, decided with every guard checked and nothing changed
/// (the JSON of `POST /api/targets/{t}/plan`).
/// </summary>
public sealed record WorkflowPlan(
    string Target,
    string Workflow,
    string Platform,
    IReadOnlyList<string> Steps,
    string? ImageTag = null,
    string? ImageTagSource = null,
    PlannedBackup? Backup = null,
    string? MediaLocation = null,
    bool? MediaExists = null,
    string? Refresh = null,
    IReadOnlyList<string>? Warnings = null)
{
    /// <summary>What planning did on the platform and undid (a listing Job on a cluster); null: nothing was changed.</summary>
    public string? Changes { get; init; }
}

public sealed record PlannedBackup(string Name, DateTimeOffset Time, string Flavour, bool Gzipped, long SizeBytes, IReadOnlyList<string> Kinds);
