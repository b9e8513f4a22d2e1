using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Platforms;

namespace Replica.Cli;

/// <summary>Wires each target to its platform.</summary>
public sealed class PlatformFactory : IPlatformFactory
{
    public IPlatform For(ReplicaConfig config, TargetConfig target) => target.Platform switch
    {
        PlatformNames.Local => new Local.LocalPlatform(config),
        PlatformNames.Kubernetes => new Kubernetes.KubernetesPlatform(config, target),
        _ => throw new RefusedException($"Target '{target.Name}' has no platform replica can act on; set platform: local or kubernetes."),
    };
}
