namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// A pod as a test's <see cref="SimulatedCluster.OnPodStart"/> callback sees it: the first
/// container's resolved environment (Secret references filled in), its command with mount paths
/// already rewritten, and the local folders standing for its volume mounts.
/// </summary>
public sealed class SimulatedPod
{
    internal SimulatedPod(SimulatedCluster cluster, string ns, string name, string uid, IReadOnlyDictionary<string, string> labels,
        string containerName, string image, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment,
        IReadOnlyDictionary<string, string> mounts, string? ownerKind, string? ownerName, Action<string> log)
    {
        Cluster = cluster; Namespace = ns; Name = name; Uid = uid; Labels = labels; ContainerName = containerName; Image = image;
        Command = command; Environment = environment; Mounts = mounts; OwnerKind = ownerKind; OwnerName = ownerName; _log = log;
    }

    private readonly Action<string> _log;

    public SimulatedCluster Cluster { get; }
    public string Namespace { get; }
    public string Name { get; }
    public string Uid { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public string ContainerName { get; }
    public string Image { get; }
    /// <summary>command followed by args, as the container would run them, with mount paths rewritten.</summary>
    public IReadOnlyList<string> Command { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }
    /// <summary>mountPath → local folder.</summary>
    public IReadOnlyDictionary<string, string> Mounts { get; }
    /// <summary>Kind and name of the controlling owner (StatefulSet, Job), if any.</summary>
    public string? OwnerKind { get; }
    public string? OwnerName { get; }

    public string MountFolder(string mountPath) =>
        Mounts.TryGetValue(mountPath, out var folder) ? folder
            : throw new InvalidOperationException($"simulation: pod {Namespace}/{Name} has no volume mounted at {mountPath}; mounts: {string.Join(", ", Mounts.Keys)}");

    /// <summary>
    /// Declares where this pod really listens: every Service whose selector matches the pod then
    /// leads there (like an Endpoints entry), also Services created later. Forgotten when the pod goes.
    /// </summary>
    public void Serve(string host, int port) => Cluster.Rules.ServePod(Namespace, Name, host, port);

    /// <summary>Adds a line to the container's log (what `kubectl logs` would show).</summary>
    public void Log(string line) => _log(line);

    public override string ToString() => $"{Namespace}/{Name}";
}
