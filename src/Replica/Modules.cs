using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Dumps.Masking;
using Replica.Postgres.Restore.Masking;

namespace Replica.Cli;

/// <summary>
/// What this executable plugs into Core: the platforms it carries, and the restore engine's check of
/// masking profiles. Every way in (commands, server, tests) reads replica.yaml through it.
/// </summary>
public static class Modules
{
    public static ReplicaModules All { get; } = new([new Local.LocalModule(), new Kubernetes.KubernetesModule()], CheckMasking);

    /// <summary>replica.yaml at <paramref name="path"/>.</summary>
    public static ReplicaConfig LoadConfig(string path) => ConfigLoader.LoadFile(path, All);

    /// <summary>--config PATH, else $REPLICA_CONFIG, else ./replica.yaml.</summary>
    public static ReplicaConfig Load(string? explicitPath) => ConfigLoader.Load(explicitPath, All);

    /// <summary>Builds the profile's transformers as the restore will: a bad name, parameter or key is said in one sentence.</summary>
    private static string? CheckMasking(MaskingProfileSpec spec)
    {
        try { MaskingProfile.From(spec); return null; }
        catch (MaskingProfileException e) { return e.Message; }
    }
}
