namespace Replica.Core.Platforms;

/// <summary>
/// A part of the source only a platform can reach — an NFS export or a claim to mount, a running workload
/// to read production's tag from — made by that platform's module from the keys it owns in replica.yaml.
/// Core only carries it and names it in messages.
/// </summary>
/// <param name="Platform">the name of the platform module that made it and can read it.</param>
public abstract record PlatformSource(string Platform)
{
    /// <summary>How messages name it ("nfs://10.0.0.5/nfs/db-replica", "StatefulSet production-stack/stack").</summary>
    public abstract string Describe();

    public sealed override string ToString() => Describe();
}
