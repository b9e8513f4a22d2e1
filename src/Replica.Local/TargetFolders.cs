using Replica.Core.Config;

namespace Replica.Local;

/// <summary>Where a local target's parts live under the state folder.</summary>
internal sealed class TargetFolders(ReplicaConfig config, TargetConfig target)
{
    public string Root { get; } = config.TargetDirectory(target.Name);
    /// <summary>The database volume: the PostgreSQL data directory.</summary>
    public string Database => Path.Combine(Root, "database");
    public string DatabaseFile => Path.Combine(Root, "database.json");
    public string Media { get; } = target.Media.Path ?? Path.Combine(config.TargetDirectory(target.Name), "media");
    public string StackFile => Path.Combine(Root, "stack.json");
    public string StackLog => Path.Combine(Root, "stack.log");
}
