namespace Replica.Kubernetes.Waiting;

/// <summary>One look at the watched objects: finished, stuck for good, or still on its way (and where).</summary>
public abstract record WaitCheck
{
    public sealed record Done : WaitCheck;
    public sealed record Stuck(string Reason, string? Pod, string? Container) : WaitCheck;
    public sealed record Waiting(string Description, string? Pod = null, string? Container = null) : WaitCheck;

    public static readonly WaitCheck Finished = new Done();
}

/// <summary>The wait gave up: stuck, or out of time. Carries the pod whose evidence explains it.</summary>
public sealed class WaitFailedException(string message, string? pod, string? container) : Exception(message)
{
    public string? Pod { get; } = pod;
    public string? Container { get; } = container;
}
