using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// The security settings every pod replica creates carries, so it is admitted in a namespace
/// enforcing Pod Security `restricted` (a common default): a non-root user, no privilege
/// escalation, no capabilities, the runtime's default seccomp profile, and a read-only root file
/// system wherever the program writes only to its volumes.
/// </summary>
public static class RestrictedPods
{
    /// <summary>The replica image's user (see Dockerfile).</summary>
    public const long ReplicaUser = 10001;

    /// <summary>The `postgres` account of the official (Debian-based) postgres image; its data volume is given to this group.</summary>
    public const long PostgresUser = 999;

    /// <param name="user">null: the image's own user, which must then be numeric and not root (kubelet checks).</param>
    public static V1PodSecurityContext Pod(long? user) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = user,
        RunAsGroup = user,
        // Volumes become writable by this group, so a non-root user can write a fresh claim.
        FsGroup = user,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    public static V1SecurityContext Container(bool readOnlyRoot) => new()
    {
        AllowPrivilegeEscalation = false,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        ReadOnlyRootFilesystem = readOnlyRoot ? true : null,
    };

    /// <summary>A writable scratch folder on a pod with a read-only root file system.</summary>
    public static V1Volume Scratch(string name) => new() { Name = name, EmptyDir = new V1EmptyDirVolumeSource() };
}
