using System.IO.Compression;
using System.Text;
using k8s;
using k8s.Models;
using Npgsql;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests;

/// <summary>
/// The seams end to end: a `database` StatefulSet served by a real PostgreSQL (RunPostgres), and a
/// Job running the real `replica worker restore-db` from an NFS-mapped backup folder into it
/// through the `database` Service.
/// </summary>
public sealed class SimulationDatabaseTests : SimulatedNamespaceTest
{
    [Fact]
    public async Task Restore_job_loads_a_backup_into_the_database_statefulset_through_its_service()
    {
        Cluster.RunPostgres();
        var backups = Directory.CreateDirectory(Path.Combine(Cluster.Root, "nfs", "db-replica", "hourly")).Parent!.FullName;
        WriteGzip(Path.Combine(backups, "hourly", "backup-2026-11-25T02:04:00Z-dumpall.sql.gz"), """
            --
            -- PostgreSQL database dump
            --
            CREATE TABLE public.target (id integer PRIMARY KEY, name text);
            INSERT INTO public.target VALUES (1, 'x-ray'), (2, 'fragment');
            --
            -- PostgreSQL database dump complete
            --
            """);
        Cluster.MapNfs("10.0.0.5", "/nfs/db-replica", backups);

        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "database" },
            StringData = new Dictionary<string, string> { ["PGPASSWORD"] = "generated-secret" },
        }, Ns);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "database-data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            },
        }, Ns);
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(DatabaseStatefulSet(), Ns);
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "database" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "database" }, Ports = [new V1ServicePort { Port = 5432 }] },
        }, Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "database", 1);

        var job = Samples.Job("restore", ["replica"],
            ["worker", "restore-db", "--backup", "/backups/hourly/backup-2026-11-25T02:04:00Z-dumpall.sql.gz",
             "--host", "database", "--port", "5432", "--user", "postgres", "--database", "frag", "--json"]);
        var container = job.Spec.Template.Spec.Containers[0];
        container.Env = [new V1EnvVar { Name = "PGPASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "database", Key = "PGPASSWORD" } } }];
        container.VolumeMounts = [new V1VolumeMount { Name = "backups", MountPath = "/backups", ReadOnlyProperty = true }];
        job.Spec.Template.Spec.Volumes = [new V1Volume { Name = "backups", Nfs = new V1NFSVolumeSource { Server = "10.0.0.5", Path = "/nfs/db-replica", ReadOnlyProperty = true } }];
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);

        var finished = await ClusterWaits.JobFinished(Client, Ns, "restore");
        var pod = await ClusterWaits.OnlyPod(Client, Ns, "job-name=restore");
        var log = await ClusterWaits.Log(Client, Ns, pod.Metadata.Name);
        Assert.True(finished.Status.Conditions.Any(c => c.Type == "Complete"), $"the restore Job failed: {KubernetesJson.Serialize(finished.Status)} {KubernetesJson.Serialize(pod.Status)}; its log:\n{log}");
        Assert.Equal(1, finished.Status.Succeeded);
        Assert.Equal("Succeeded", pod.Status.Phase);

        var port = await ServicePortSeenBy("database");
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password=generated-secret;Database=frag;Pooling=false");
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM public.target", connection);
        Assert.Equal(2L, await count.ExecuteScalarAsync());

        // POSTGRES_DB is created on first start, as by the official image.
        await using var other = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password=generated-secret;Database=stackdb;Pooling=false");
        await other.OpenAsync();
    }

    /// <summary>The local port the simulation leads the Service to, as a pod sees it in {SVC}_SERVICE_PORT.</summary>
    private async Task<int> ServicePortSeenBy(string service)
    {
        var seen = new TaskCompletionSource<SimulatedPod>();
        Cluster.OnPodStart(p => p.Name.StartsWith("probe-", StringComparison.Ordinal), (p, _) => { seen.TrySetResult(p); return Task.FromResult<IAsyncDisposable?>(null); });
        await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { GenerateName = "probe-" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "probe", Image = "busybox:1" }] },
        }, Ns);
        var pod = await seen.Task.WaitAsync(Eventually.DefaultTimeout);
        return int.Parse(pod.Environment[$"{service.ToUpperInvariant()}_SERVICE_PORT"]);
    }

    private static V1StatefulSet DatabaseStatefulSet()
    {
        var sts = Samples.StatefulSet("database", "postgres:15", replicas: 1);
        var container = sts.Spec.Template.Spec.Containers[0];
        container.Env =
        [
            new V1EnvVar { Name = "POSTGRES_USER", Value = "postgres" },
            new V1EnvVar { Name = "POSTGRES_PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "database", Key = "PGPASSWORD" } } },
            new V1EnvVar { Name = "PGDATA", Value = "/var/lib/postgresql/data/pgdata" },
            new V1EnvVar { Name = "POSTGRES_DB", Value = "stackdb" },
        ];
        container.VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/var/lib/postgresql/data" }];
        sts.Spec.Template.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "database-data" } }];
        return sts;
    }

    private static void WriteGzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
    }
}
