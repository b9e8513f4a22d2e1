using Replica.Core.Config;
using Replica.Core.Progress;

namespace Replica.Core.Workflows;

/// <summary>What a step of a run can see: the run, its target, its progress and its cancellation.</summary>
public sealed class RunContext(ReplicaConfig config, TargetConfig target, string runId, IRunProgress progress, CancellationToken cancellation)
{
    public ReplicaConfig Config { get; } = config;
    public TargetConfig Target { get; } = target;
    public string RunId { get; } = runId;
    public IRunProgress Progress { get; } = progress;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The step running now, so engines' progress can name it.</summary>
    public string CurrentStep { get; internal set; } = "";

    public string TargetDirectory => Config.TargetDirectory(Target.Name);

    public void Info(string message) => Progress.Log(LogLevel.Info, message);
    public void Warn(string message) => Progress.Log(LogLevel.Warning, message);
}
