namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// Why a pod cannot start yet, as kubelet reports it: the waiting reason on the container
/// and the Warning event (FailedMount, Failed "Error: secret … not found").
/// </summary>
public sealed class LaunchFailure(string eventReason, string waitingReason, string message) : Exception(message)
{
    public string EventReason { get; } = eventReason;
    public string WaitingReason { get; } = waitingReason;
}
