using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Platforms;

namespace Replica.Kubernetes.Config;

/// <summary>
/// What the kubernetes platform can read of the source for a target: volumes its pods can mount (NFS from
/// anywhere, a claim of the target's own namespace) and production's running workload. Checked at plan
/// time, before anything is read or changed.
/// </summary>
public static class SourceChecks
{
    public static void Ensure(TargetConfig target, KubernetesTargetSettings settings, SourceConfig source, bool readsMedia)
    {
        Volume(source.DatabaseBackups, "database_backups", settings.Namespace);
        if (readsMedia) Volume(source.MediaBackup, "media_backup", settings.Namespace);
        if (source.ImageTag.OnPlatform is { } tag && tag is not ProductionWorkloadRef)
            throw new RefusedException($"source.image_tag is read through platform {tag.Platform}, which target '{target.Name}' (platform {KubernetesModule.PlatformName}) cannot follow; give source.image_tag as file, value or kubernetes.");
    }

    private static void Volume(VolumeSource volume, string key, string targetNamespace)
    {
        if (volume.OnPlatform is PvcVolume { Namespace: { } ns } pvc && ns != targetNamespace)
            throw new RefusedException($"The {What(key)} claim {ns}/{pvc.Name} is in another namespace than the target's ({targetNamespace}), and a pod can only mount a claim of its own namespace; give source.{key} as {{ nfs: {{ server, path }} }} or a claim in {targetNamespace}.");
        if (volume.OnPlatform is not (NfsVolume or PvcVolume))
            throw new RefusedException(Unmountable(volume, key));
    }

    /// <summary>A source a pod cannot mount: a folder of this machine, or a volume of another platform.</summary>
    public static string Unmountable(VolumeSource volume, string key) => volume.LocalPath is { } folder
        ? $"source.{key} is a local folder ({folder}), which a cluster cannot mount; give source.{key} as {{ nfs: {{ server, path }} }} or {{ pvc: NAME }} for kubernetes targets."
        : $"source.{key} is {volume}, a volume of platform {volume.OnPlatform!.Platform}, which a pod cannot mount; give source.{key} as {{ nfs: {{ server, path }} }} or {{ pvc: NAME }} for kubernetes targets.";

    private static string What(string key) => key == "database_backups" ? "database backups" : "media backup";
}
