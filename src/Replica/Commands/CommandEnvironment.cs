using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Core.Workflows;

namespace Replica.Cli.Commands;

/// <summary>What a command needs from the configuration: loaded once per command.</summary>
public sealed class CommandEnvironment
{
    public ReplicaConfig Config { get; }
    public RunStore Store { get; }
    public PlatformFactory Platforms { get; } = new();

    private CommandEnvironment(ReplicaConfig config)
    {
        Config = config;
        Store = new RunStore(config.StateDirectory);
    }

    public static CommandEnvironment Load(ReplicaSettings settings) => new(Modules.Load(settings.Config));

    public TargetWorkflows Workflows => new(Config, Store, Platforms);
}
