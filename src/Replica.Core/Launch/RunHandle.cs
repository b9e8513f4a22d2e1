using Replica.Core.Workflows;

namespace Replica.Core.Launch;

/// <summary>A launched run: its id (the target's lock is taken), its completion, and how to cancel it.</summary>
public sealed class RunHandle(string runId, LaunchRequest request, Task<RunResult> completion, CancellationTokenSource cancellation)
{
    public string RunId { get; } = runId;
    public LaunchRequest Request { get; } = request;
    public Task<RunResult> Completion { get; } = completion;

    /// <summary>As Ctrl-C: the workflow undoes what it made and the run ends cancelled.</summary>
    public void Cancel() => cancellation.Cancel();
}
