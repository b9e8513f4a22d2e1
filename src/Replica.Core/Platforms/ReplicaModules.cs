using Replica.Core.Config;
using Replica.Dumps.Masking;

namespace Replica.Core.Platforms;

/// <summary>
/// What the executable plugs into Core: its platforms, and the restore engine's check of a masking profile
/// (its transformers and their parameters), so that a mistake in replica.yaml is found when the file is read.
/// </summary>
/// <param name="CheckMasking">the sentence saying what is wrong with a profile, or null; null: profiles are not checked when read.</param>
public sealed class ReplicaModules(IReadOnlyList<IPlatformModule> platforms, Func<MaskingProfileSpec, string?>? checkMasking = null)
{
    public IReadOnlyList<IPlatformModule> Platforms { get; } = platforms;

    public Func<MaskingProfileSpec, string?>? CheckMasking { get; } = checkMasking;

    public IPlatformModule? Find(string name) => Platforms.FirstOrDefault(p => p.Name == name);

    /// <summary>"local, kubernetes", as the errors list them.</summary>
    public string Names => string.Join(", ", Platforms.Select(p => p.Name));
}
