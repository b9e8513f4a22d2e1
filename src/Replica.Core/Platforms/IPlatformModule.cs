using Replica.Core.Config;

namespace Replica.Core.Platforms;

/// <summary>
/// One platform as the executable registers it: its name, the keys it owns in replica.yaml (its target
/// section, the source kinds only it can reach), read and checked by the platform itself with the same
/// line-numbered errors as the rest of the file, and the making of its <see cref="IPlatform"/>.
/// </summary>
public interface IPlatformModule
{
    /// <summary>The value of targets.NAME.platform that chooses it.</summary>
    string Name { get; }

    /// <summary>The key of its own section under a target (e.g. "kubernetes"); null when it has none.</summary>
    string? TargetSection { get; }

    /// <summary>
    /// The target's settings from its mapping (its own section and whatever it requires there), as the
    /// platform will use them; null when it needs none. Throws <see cref="ConfigException"/>.
    /// </summary>
    object? ReadTargetSettings(YamlMap target);

    /// <summary>The keys it reads inside a source volume's mapping (e.g. nfs, pvc); empty when it mounts no volume of its own.</summary>
    IReadOnlyList<string> VolumeKeys { get; }

    /// <summary>How the errors write its volume kinds ("{ nfs: { server, path } }").</summary>
    IReadOnlyList<string> VolumeHints { get; }

    /// <summary>The volume a source mapping names with its keys; null when the mapping uses none of them.</summary>
    PlatformSource? ReadVolume(YamlMap volume);

    /// <summary>The key under source.image_tag it reads (e.g. "kubernetes"), with how errors write it; null when it reads no tag.</summary>
    (string Key, string Hint)? ImageTag { get; }

    /// <summary>Production's tag source from source.image_tag.&lt;key&gt;.</summary>
    PlatformSource ReadImageTag(YamlMap section);

    IPlatform Create(ReplicaConfig config, TargetConfig target);
}
