using Replica.Kubernetes.Tests.Simulation.Controllers;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>What every simulated pod run needs from the simulation.</summary>
public sealed record KubeletContext(
    SimulatedCluster Cluster,
    ObjectStore Store,
    SimulationRules Rules,
    PodVolumes Volumes,
    ContainerLaunch Launch,
    PodLogBook Logs,
    EventRecorder Events,
    Func<string> ReplicaDll,
    Func<TimeSpan> StepDelay,
    Action Wake,
    SimulationFaults Faults);
