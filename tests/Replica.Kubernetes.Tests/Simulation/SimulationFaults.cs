namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// Failures inside the simulation itself (a controller throwing, a request answered 500, a pod run
/// crashing): a simulation bug rather than the platform's, kept so a test can assert there were none.
/// </summary>
public sealed class SimulationFaults
{
    private readonly List<string> _faults = new();

    public void Add(string what, Exception e)
    {
        var line = $"simulation: {what}: {e}";
        lock (_faults) _faults.Add(line);
        Console.Error.WriteLine(line);
    }

    public IReadOnlyList<string> All { get { lock (_faults) return _faults.ToList(); } }
}
