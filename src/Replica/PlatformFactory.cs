using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Platforms;

namespace Replica.Cli;

/// <summary>Makes each target's platform through the module registered under its name.</summary>
public sealed class PlatformFactory(ReplicaModules modules) : IPlatformFactory
{
    public PlatformFactory() : this(Modules.All) { }

    public IPlatform For(ReplicaConfig config, TargetConfig target) =>
        (modules.Find(target.Platform)
         ?? throw new RefusedException($"Target '{target.Name}' has no platform replica can act on; set its platform to one of: {modules.Names}."))
        .Create(config, target);
}
