using k8s;
using k8s.Models;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// The fixture of the simulation's own tests: a fresh simulated cluster per test with a
/// <see cref="Ns"/> namespace and a real KubernetesClient talking to it. Every test also fails
/// when the simulation itself faulted (a 500 answer, a crashed controller).
/// </summary>
public abstract class SimulatedNamespaceTest : IAsyncLifetime
{
    protected const string Ns = "staging";
    protected SimulatedCluster Cluster { get; private set; } = null!;
    protected k8s.Kubernetes Client { get; private set; } = null!;
    /// <summary>Set by a test that provokes a fault on purpose (and asserts it).</summary>
    protected bool FaultsExpected { get; set; }

    public async Task InitializeAsync()
    {
        Cluster = await SimulatedCluster.StartAsync();
        Client = Cluster.CreateClient();
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Cluster.DisposeAsync();
        if (!FaultsExpected) Assert.Empty(Cluster.Faults);
    }
}
