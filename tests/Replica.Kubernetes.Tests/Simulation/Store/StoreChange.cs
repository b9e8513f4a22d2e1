using System.Text.Json.Nodes;

namespace Replica.Kubernetes.Tests.Simulation.Store;

public enum ChangeType { Added, Modified, Deleted }

/// <summary>
/// One committed write. <see cref="Previous"/> lets a filtered watch turn an object leaving
/// its selector into DELETED and one entering it into ADDED, as the real watch cache does.
/// </summary>
public sealed record StoreChange(ChangeType Type, ResourceType Resource, string Namespace, JsonObject Object, JsonObject? Previous, long ResourceVersion)
{
    public string WireType => Type switch
    {
        ChangeType.Added => "ADDED",
        ChangeType.Modified => "MODIFIED",
        _ => "DELETED",
    };
}
