using Replica.Core.Config;
using Replica.Core.Platforms;

namespace Replica.Local;

/// <summary>The local platform as the executable registers it: `platform: local`, no section of its own, only folders of this machine as sources.</summary>
public sealed class LocalModule : IPlatformModule
{
    public const string PlatformName = "local";

    public string Name => PlatformName;

    public string? TargetSection => null;

    public object? ReadTargetSettings(YamlMap target) => null;

    public IReadOnlyList<string> VolumeKeys => [];

    public IReadOnlyList<string> VolumeHints => [];

    public PlatformSource? ReadVolume(YamlMap volume) => null;

    public (string Key, string Hint)? ImageTag => null;

    public PlatformSource ReadImageTag(YamlMap section) => throw new NotSupportedException("the local platform reads no image_tag key of its own");

    public IPlatform Create(ReplicaConfig config, TargetConfig target) => new LocalPlatform(config);
}
