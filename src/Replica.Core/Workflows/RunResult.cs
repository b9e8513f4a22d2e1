using Replica.Core.Backups;
using Replica.Core.Platforms;

namespace Replica.Core.Workflows;

/// <summary>What a run did, for the closing summary.</summary>
public sealed class RunResult
{
    public required string RunId { get; init; }
    public required string Target { get; init; }
    public required string Workflow { get; init; }
    public string Status { get; set; } = Runs.RunStatus.Running;
    public string? Message { get; set; }

    /// <summary>A guard refused the run once it had begun (e.g. a mass deletion of media): exit 2, as for any refusal.</summary>
    public bool Refused { get; set; }

    /// <summary>The restore failed because of the backup file itself.</summary>
    public bool DamagedBackup { get; set; }

    /// <summary>After a failure: what the target still runs, in one sentence ("staging still runs backup B restored by run R").</summary>
    public string? Kept { get; set; }

    public Backup? Backup { get; set; }
    public string? BackupFlavour { get; set; }
    public string? ImageTag { get; set; }
    public DatabaseEndpoint? Database { get; set; }
    public StackEndpoint? Stack { get; set; }
    public string? MediaLocation { get; set; }
    public RestoreSummary? Restore { get; set; }
    public MediaSummary? Media { get; set; }
    public List<(string Step, string Outcome, TimeSpan Duration)> Steps { get; } = [];
}
