using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Kubernetes.Config;

namespace Replica.Kubernetes;

/// <summary>
/// The kubernetes platform as the executable registers it: `platform: kubernetes`, the target's
/// `kubernetes:` section, NFS and claim sources, production's tag from its running workload.
/// </summary>
public sealed class KubernetesModule : IPlatformModule
{
    public const string PlatformName = "kubernetes";

    public string Name => PlatformName;

    public string? TargetSection => KubernetesConfigReader.Section;

    public object? ReadTargetSettings(YamlMap target) => KubernetesConfigReader.Target(target);

    public IReadOnlyList<string> VolumeKeys => KubernetesConfigReader.VolumeKeys;

    public IReadOnlyList<string> VolumeHints => KubernetesConfigReader.VolumeHints;

    public PlatformSource? ReadVolume(YamlMap volume) => KubernetesConfigReader.Volume(volume);

    public (string Key, string Hint)? ImageTag => (KubernetesConfigReader.Section, KubernetesConfigReader.ImageTagHint);

    public PlatformSource ReadImageTag(YamlMap section) => KubernetesConfigReader.ImageTag(section);

    public IPlatform Create(ReplicaConfig config, TargetConfig target) => new KubernetesPlatform(config, target);
}
