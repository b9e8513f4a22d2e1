using Replica.Core.Platforms;

namespace Replica.Kubernetes.Config;

/// <summary>An NFS export a pod mounts read-only (source.database_backups / media_backup: { nfs: { server, path } }).</summary>
public sealed record NfsVolume(string Server, string Path) : PlatformSource(KubernetesModule.PlatformName)
{
    public override string Describe() => $"nfs://{Server}{Path}";
}

/// <summary>A claim a pod mounts read-only ({ pvc: NAME, namespace: NS }); a pod can only mount a claim of its own namespace.</summary>
public sealed record PvcVolume(string Name, string? Namespace) : PlatformSource(KubernetesModule.PlatformName)
{
    public override string Describe() => $"pvc {Namespace}/{Name}";
}
