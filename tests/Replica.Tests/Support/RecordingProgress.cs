using System.Collections.Concurrent;
using Replica.Core.Progress;

namespace Replica.Tests.Support;

/// <summary>Collects what a run reports, so tests can look at it (e.g. that no password shows).</summary>
public sealed class CollectingProgress : IRunProgress
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public ConcurrentQueue<ProgressUpdate> Updates { get; } = new();
    public Action<string>? OnStep { get; init; }

    public void StepStarted(string step) { Lines.Enqueue($"step {step}"); OnStep?.Invoke(step); }
    public void StepFinished(string step, StepOutcome outcome, string? message) => Lines.Enqueue($"step {step} {outcome} {message}");
    public void Report(ProgressUpdate update) => Updates.Enqueue(update);
    public void Log(LogLevel level, string message) => Lines.Enqueue($"{level} {message}");

    public string Text => string.Join("\n", Lines);
}
