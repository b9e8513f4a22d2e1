using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// How a target's masking profile, key included, reaches the restore Job: a Secret of the run (never a ConfigMap, an
/// argument or printed manifests: render shows a placeholder), mounted read-only as a file that only the worker's
/// group may read. The platform deletes it as soon as the restore has ended.
/// </summary>
public static class MaskingManifests
{
    public const string Key = "profile.json";
    public const string MountPath = "/etc/replica/masking";
    public const string ProfileFile = MountPath + "/" + Key;
    public const string Placeholder = "REPLACE-WITH-THE-MASKING-PROFILE";

    /// <param name="document">the profile as <see cref="Workers.Protocol.MaskingProfileDocument"/> JSON, or the placeholder.</param>
    public static V1Secret Secret(ClusterTarget t, string run, string document) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = Workloads.Meta(ObjectNames.MaskingSecret(run), t, run, Components.Masking),
        Type = "Opaque",
        StringData = new Dictionary<string, string> { [Key] = document },
    };

    public static V1Volume Volume(string run) => new()
    {
        Name = "masking",
        // 0440: the file is the pod's fsGroup's (the worker's group), readable by nobody else.
        Secret = new V1SecretVolumeSource { SecretName = ObjectNames.MaskingSecret(run), DefaultMode = 0b100_100_000 },
    };

    public static V1VolumeMount Mount() => new() { Name = "masking", MountPath = MountPath, ReadOnlyProperty = true };
}
