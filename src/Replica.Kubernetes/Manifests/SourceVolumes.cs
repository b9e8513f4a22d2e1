using k8s.Models;
using Replica.Core;
using Replica.Core.Config;
using Replica.Kubernetes.Config;

namespace Replica.Kubernetes.Manifests;

/// <summary>The source's backup volumes as pod volumes, always read-only: nothing ever writes to the source.</summary>
public static class SourceVolumes
{
    public static V1Volume ReadOnly(string volumeName, VolumeSource source, string targetNamespace, string what)
    {
        if (source.OnPlatform is NfsVolume nfs)
            return new V1Volume { Name = volumeName, Nfs = new V1NFSVolumeSource { Server = nfs.Server, Path = nfs.Path, ReadOnlyProperty = true } };
        if (source.OnPlatform is PvcVolume pvc)
        {
            // A pod can only mount a claim of its own namespace.
            if (pvc.Namespace is { } ns && ns != targetNamespace)
                throw new RefusedException($"The {what} claim {ns}/{pvc.Name} is in another namespace than the target's ({targetNamespace}), and a pod can only mount a claim of its own namespace; give source.{Key(what)} as {{ nfs: {{ server, path }} }} or a claim in {targetNamespace}.");
            return new V1Volume { Name = volumeName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = pvc.Name, ReadOnlyProperty = true } };
        }
        throw new RefusedException(SourceChecks.Unmountable(source, Key(what)));
    }

    internal static string Key(string what) => what == "database backups" ? "database_backups" : "media_backup";
}
