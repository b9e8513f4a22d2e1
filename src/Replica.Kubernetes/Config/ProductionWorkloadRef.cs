using Replica.Core.Platforms;

namespace Replica.Kubernetes.Config;

/// <summary>
/// source.image_tag.kubernetes: production's running workload, whose container's image tag is production's tag.
/// </summary>
/// <param name="Context">the kubeconfig context to read it with (production's cluster); null: the current context. Never the target's by implication.</param>
public sealed record ProductionWorkloadRef(string Namespace, string Kind, string Name, string? Container, string? Context) : PlatformSource(KubernetesModule.PlatformName)
{
    public override string Describe() => $"{Kind} {Namespace}/{Name}";
}
