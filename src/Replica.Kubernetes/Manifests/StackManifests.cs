using System.Globalization;
using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>The stack on production's image tag: a StatefulSet reading the database Secret and mounting the media volume, and its Service.</summary>
public static class StackManifests
{
    public static V1StatefulSet StatefulSet(ClusterTarget t, string run, string imageTag)
    {
        var stack = t.Stack!;
        var port = stack.Port;
        var envFrom = new List<V1EnvFromSource> { new() { SecretRef = new V1SecretEnvSource { Name = ObjectNames.DatabaseSecret } } };
        foreach (var secret in stack.EnvFromSecrets ?? [])
            envFrom.Add(new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = secret } });
        return Workloads.SingleReplica(ObjectNames.Stack, t, run, Components.Stack, new V1PodSpec
        {
            // Production's image runs as its own user, which must not be root; what it writes is not known, so its root stays writable.
            SecurityContext = RestrictedPods.Pod(user: null),
            // The stack reads the restored database, not an empty server.
            InitContainers = [DatabaseWait.For(t, t.DatabaseName)],
            Containers =
            [
                new V1Container
                {
                    Name = "stack",
                    Image = $"{stack.Image}:{imageTag}",
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = port }],
                    EnvFrom = envFrom,
                    Env =
                    [
                        new V1EnvVar { Name = "REPLICA_TARGET", Value = t.Name },
                        new V1EnvVar { Name = "STACK_IMAGE_TAG", Value = imageTag },
                        new V1EnvVar { Name = "MEDIA_ROOT", Value = ClusterTarget.MediaMount },
                        new V1EnvVar { Name = "PORT", Value = port.ToString(CultureInfo.InvariantCulture) },
                    ],
                    VolumeMounts = [new V1VolumeMount { Name = "media", MountPath = ClusterTarget.MediaMount }],
                    ReadinessProbe = Readiness(stack.ReadyPath, port),
                    SecurityContext = RestrictedPods.Container(readOnlyRoot: false),
                    Resources = PodResourceLimits.For(t, PodResourceLimits.Stack),
                },
            ],
            Volumes =
            [
                new V1Volume { Name = "media", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = t.MediaClaim } },
            ],
        });
    }

    public static V1Service Service(ClusterTarget t, string run) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Meta(ObjectNames.Stack, t, run),
        Spec = new V1ServiceSpec
        {
            Selector = Selector(t),
            Ports = [new V1ServicePort { Name = "http", Port = t.Stack!.Port, TargetPort = t.Stack.Port }],
        },
    };

    /// <summary>The stack as people in the cluster reach it.</summary>
    public static string Url(ClusterTarget t) =>
        $"http://{ObjectNames.Stack}.{t.Namespace}.svc:{t.Stack!.Port.ToString(CultureInfo.InvariantCulture)}/";

    public static Dictionary<string, string> Selector(ClusterTarget t) => Workloads.Selector(t, Components.Stack);

    private static V1Probe Readiness(string? path, int port) => path is null
        ? new V1Probe { TcpSocket = new V1TCPSocketAction { Port = port }, PeriodSeconds = 2 }
        : new V1Probe { HttpGet = new V1HTTPGetAction { Path = path, Port = port }, PeriodSeconds = 2 };

    private static V1ObjectMeta Meta(string name, ClusterTarget t, string run) => Workloads.Meta(name, t, run, Components.Stack);
}
