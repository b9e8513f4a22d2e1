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
        // The kubernetes platform (issue 6) plugs in here as new Kubernetes.KubernetesPlatform(config, target).
        PlatformNames.Kubernetes => throw new RefusedException($"Target '{target.Name}' is on kubernetes, which this build of replica does not support yet."),
        _ => throw new RefusedException($"Target '{target.Name}' has no platform replica can act on; set platform: local or kubernetes."),
    };
}
