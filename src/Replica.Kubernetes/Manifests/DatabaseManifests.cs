using k8s.Models;
using Replica.Postgres.Instances;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// A database instance (its volume, its StatefulSet and its own Service, all named by the run that
/// made it) and how the stack reaches whichever instance is current: the Service `database`, whose
/// selector names that instance, and the Secret `database` with the connection settings.
/// </summary>
public static class DatabaseManifests
{
    public const string PasswordKey = "PGPASSWORD";

    /// <summary>
    /// The connection settings as the stack reads them (envFrom). The password exists only here;
    /// manifests printed by render carry <paramref name="password"/> as a placeholder. One per target:
    /// every instance is created with this password, so a refresh changes nothing the stack reads.
    /// </summary>
    public static V1Secret Secret(ClusterTarget t, string run, string password)
    {
        var url = $"postgresql://{ClusterTarget.DatabaseUser}:{Uri.EscapeDataString(password)}@{t.DatabaseHost}:{ClusterTarget.DatabasePort}/{Uri.EscapeDataString(t.DatabaseName)}";
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = Workloads.Meta(ObjectNames.DatabaseSecret, t, run, Components.DatabaseAccess),
            Type = "Opaque",
            StringData = new Dictionary<string, string>
            {
                ["PGHOST"] = t.DatabaseHost,
                ["PGPORT"] = ClusterTarget.DatabasePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PGDATABASE"] = t.DatabaseName,
                ["PGUSER"] = ClusterTarget.DatabaseUser,
                [PasswordKey] = password,
                ["DATABASE_URL"] = url,
            },
        };
    }

    public static V1PersistentVolumeClaim Claim(ClusterTarget t, string run) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = Meta(ObjectNames.DatabaseClaim(run), t, run),
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = t.StorageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(t.DatabaseSize) } },
        },
    };

    public const string Container = "postgres";
    public const string DataMount = "/var/lib/postgresql/data";

    /// <summary>
    /// The instance's StatefulSet. A new instance starts with <see cref="DatabaseServer.BulkLoad"/>: the same
    /// settings as a local bulk-load instance (<see cref="ServerSettings.BulkLoad"/>), as the server's command-line
    /// arguments, so they hold for that server only. After the restore the platform hands it over with
    /// <see cref="HandOverPatch"/>, which turns this template into the <see cref="DatabaseServer.Durable"/> one.
    /// </summary>
    public static V1StatefulSet StatefulSet(ClusterTarget t, string run, DatabaseServer server = DatabaseServer.BulkLoad)
    {
        var set = Workloads.SingleReplica(ObjectNames.DatabaseInstance(run), t, run, Components.Database, new V1PodSpec
        {
            // The image's postgres account; fsGroup makes a fresh claim writable for it, so initdb needs no root.
            SecurityContext = RestrictedPods.Pod(RestrictedPods.PostgresUser),
            InitContainers = server == DatabaseServer.Durable ? [FlushData(t)] : null,
            Containers =
            [
                new V1Container
                {
                    Name = Container,
                    Image = t.DatabaseImage,
                    // The image's entrypoint passes these to the server (and to its first-start temporary server).
                    Args = server == DatabaseServer.BulkLoad ? BulkLoadArgs() : null,
                    Ports = [new V1ContainerPort { Name = "postgres", ContainerPort = ClusterTarget.DatabasePort }],
                    Env =
                    [
                        new V1EnvVar { Name = "POSTGRES_USER", Value = ClusterTarget.DatabaseUser },
                        new V1EnvVar { Name = "POSTGRES_PASSWORD", ValueFrom = FromSecret(PasswordKey) },
                        // A subfolder: the volume's root may hold lost+found, which initdb refuses.
                        new V1EnvVar { Name = "PGDATA", Value = "/var/lib/postgresql/data/pgdata" },
                    ],
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = "data", MountPath = DataMount },
                        // The server's socket and lock files, and the entrypoint's temporary files, on a read-only image.
                        new V1VolumeMount { Name = "run", MountPath = "/var/run/postgresql" },
                        new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
                    ],
                    SecurityContext = RestrictedPods.Container(readOnlyRoot: true),
                    Resources = PodResourceLimits.For(t, PodResourceLimits.Database),
                    // TCP on 127.0.0.1: the image's init phase listens on the socket only, so this is Ready once the real server runs.
                    ReadinessProbe = new V1Probe
                    {
                        Exec = new V1ExecAction { Command = ["pg_isready", "-h", "127.0.0.1", "-U", ClusterTarget.DatabaseUser] },
                        PeriodSeconds = 2,
                        FailureThreshold = 3,
                    },
                },
                .. (server == DatabaseServer.BulkLoad ? [FlushWhileLoading(t)] : Array.Empty<V1Container>()),
            ],
            Volumes =
            [
                new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ObjectNames.DatabaseClaim(run) } },
                RestrictedPods.Scratch("run"),
                RestrictedPods.Scratch("tmp"),
            ],
        });
        // Two instances live side by side during a refresh: each StatefulSet selects only its own pod.
        set.Spec.Selector.MatchLabels = InstanceSelector(t, run);
        return set;
    }

    /// <summary>`postgres -c fsync=off -c …`: the bulk-load settings, from the one list the local platform uses too.</summary>
    public static List<string> BulkLoadArgs()
    {
        var args = new List<string> { "postgres" };
        foreach (var (name, value) in ServerSettings.BulkLoad) args.AddRange(["-c", $"{name}={value}"]);
        return args;
    }

    /// <summary>
    /// Runs before the durable server starts: a server that ran with fsync=off does not flush what it wrote, not even
    /// at shutdown, so the data volume's file system is flushed (syncfs, `sync -f`) first, as the local hand-over does
    /// after stopping its server. Then the restart reads only data that is on disk.
    /// </summary>
    public static V1Container FlushData(ClusterTarget t) => new()
    {
        Name = FlushContainer,
        Image = t.DatabaseImage,
        ImagePullPolicy = "IfNotPresent",
        Command = ["sync", "-f", DataMount],
        VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = DataMount, ReadOnlyProperty = true }],
        SecurityContext = RestrictedPods.Container(readOnlyRoot: true),
    };

    public const string FlushContainer = "flush-data";

    /// <summary>
    /// Beside the bulk-load server: `replica worker flush-data` flushes the data volume's file system every quarter
    /// second (the same loop the local platform runs beside its bulk-load server), so the disk writes while the
    /// restore loads and indexes and the hand-over's <see cref="FlushData"/> finds little left. The hand-over removes it.
    /// </summary>
    public static V1Container FlushWhileLoading(ClusterTarget t) => new()
    {
        Name = FlushWhileLoadingContainer,
        Image = t.ReplicaImage,
        ImagePullPolicy = "IfNotPresent",
        Command = ["replica"],
        Args = ["worker", "flush-data", "--path", DataMount, "--json"],
        VolumeMounts =
        [
            new V1VolumeMount { Name = "data", MountPath = DataMount, ReadOnlyProperty = true },
            new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
        ],
        SecurityContext = RestrictedPods.Container(readOnlyRoot: true),
    };

    public const string FlushWhileLoadingContainer = "flush-while-loading";

    /// <summary>
    /// The hand-over as one JSON patch of the StatefulSet (what the platform sends, and what `render start` tells a
    /// kubectl user to send): the server's arguments and the flushing container beside it go (the image's default
    /// `postgres`, durable settings) and a last flush runs first. The StatefulSet controller then replaces the pod, on the same claim.
    /// </summary>
    public static IReadOnlyList<object> HandOverPatch(ClusterTarget t) =>
    [
        new { op = "test", path = "/spec/template/spec/containers/0/name", value = Container },
        new { op = "test", path = "/spec/template/spec/containers/1/name", value = FlushWhileLoadingContainer },
        new { op = "remove", path = "/spec/template/spec/containers/1" },
        new { op = "remove", path = "/spec/template/spec/containers/0/args" },
        new { op = "add", path = "/spec/template/spec/initContainers", value = new[] { FlushData(t) } },
    ];

    /// <summary>Whether the StatefulSet's server runs with the bulk-load arguments (not handed over yet).</summary>
    public static bool IsBulkLoad(V1StatefulSet set) =>
        set.Spec?.Template?.Spec?.Containers?.FirstOrDefault(c => c.Name == Container)?.Args?.Any(a => a.StartsWith("fsync=", StringComparison.Ordinal)) == true;

    /// <summary>The instance's own Service: the restore Job reaches the new instance through it while `database` still selects the old one.</summary>
    public static V1Service Service(ClusterTarget t, string run) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Meta(ObjectNames.DatabaseInstance(run), t, run),
        Spec = new V1ServiceSpec
        {
            Selector = InstanceSelector(t, run),
            Ports = [Port()],
        },
    };

    /// <summary>The Service the stack connects to, selecting <paramref name="instance"/>; the switch of a refresh changes only its selector.</summary>
    public static V1Service AccessService(ClusterTarget t, string run, string instance) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Workloads.Meta(ObjectNames.Database, t, run, Components.DatabaseAccess),
        Spec = new V1ServiceSpec
        {
            Selector = InstanceSelector(t, instance),
            Ports = [Port()],
        },
    };

    public static V1EnvVarSource FromSecret(string key) =>
        new() { SecretKeyRef = new V1SecretKeySelector { Name = ObjectNames.DatabaseSecret, Key = key } };

    /// <summary>The pods of one instance (the run that made it).</summary>
    public static Dictionary<string, string> InstanceSelector(ClusterTarget t, string instance)
    {
        var selector = Workloads.Selector(t, Components.Database);
        selector[ReplicaLabels.Run] = ReplicaLabels.RunValue(instance);
        return selector;
    }

    private static V1ServicePort Port() => new() { Name = "postgres", Port = ClusterTarget.DatabasePort, TargetPort = ClusterTarget.DatabasePort };

    private static V1ObjectMeta Meta(string name, ClusterTarget t, string run) => Workloads.Meta(name, t, run, Components.Database);
}

/// <summary>Which settings an instance's server runs with.</summary>
public enum DatabaseServer
{
    /// <summary>While the restore loads it: fsync off, minimal WAL (nothing else uses it yet).</summary>
    BulkLoad,
    /// <summary>After the hand-over: the image's own settings (fsync on, full page writes, WAL for replicas).</summary>
    Durable,
}
