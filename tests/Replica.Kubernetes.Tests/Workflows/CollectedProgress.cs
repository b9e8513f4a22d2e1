using System.Collections.Concurrent;
using Replica.Core.Progress;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>Keeps a run's log lines and step outcomes for assertions.</summary>
public sealed class CollectedProgress : IRunProgress
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();
    public ConcurrentQueue<(string Step, StepOutcome Outcome, string? Message)> Steps { get; } = new();

    /// <summary>Called as a step starts, on the run's own flow (a test may cancel or look at the cluster there).</summary>
    public Action<string>? OnStepStarted { get; init; }

    /// <summary>Called with each log line, on the run's own flow.</summary>
    public Action<string>? OnLog { get; init; }

    public void StepStarted(string step) => OnStepStarted?.Invoke(step);
    public void StepFinished(string step, StepOutcome outcome, string? message) => Steps.Enqueue((step, outcome, message));
    public ConcurrentQueue<ProgressUpdate> Updates { get; } = new();

    public void Report(ProgressUpdate update) => Updates.Enqueue(update);
    public void Log(LogLevel level, string message)
    {
        Lines.Enqueue((level, message));
        OnLog?.Invoke(message);
    }

    public string Text => string.Join('\n', Lines.Select(l => $"{l.Level}: {l.Message}"));
}
