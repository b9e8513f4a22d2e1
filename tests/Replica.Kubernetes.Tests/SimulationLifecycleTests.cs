using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests;

/// <summary>Deletion, updates and auditing in the simulation, as a platform's stop and start paths meet them.</summary>
public sealed class SimulationLifecycleTests : SimulatedNamespaceTest
{
    private static V1PersistentVolumeClaim Claim(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
    };

    [Fact]
    public async Task Sync_media_job_mirrors_the_nfs_replica_into_the_media_pvc()
    {
        var replica = Directory.CreateDirectory(Path.Combine(Cluster.Root, "nfs-media-replica", "images")).Parent!.FullName;
        File.WriteAllText(Path.Combine(replica, "images", "a.png"), "png");
        File.WriteAllText(Path.Combine(replica, "notes.txt"), "hello");
        Cluster.MapNfs("10.0.0.5", "/nfs/media-replica", replica);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("media"), Ns);

        var job = Samples.Job("sync", ["replica"], ["worker", "sync-media", "--source", "/media-backup", "--dest", "/media", "--json"]);
        var container = job.Spec.Template.Spec.Containers[0];
        container.VolumeMounts =
        [
            new V1VolumeMount { Name = "media-backup", MountPath = "/media-backup", ReadOnlyProperty = true },
            new V1VolumeMount { Name = "media", MountPath = "/media" },
        ];
        job.Spec.Template.Spec.Volumes =
        [
            new V1Volume { Name = "media-backup", Nfs = new V1NFSVolumeSource { Server = "10.0.0.5", Path = "/nfs/media-replica", ReadOnlyProperty = true } },
            new V1Volume { Name = "media", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "media" } },
        ];
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);

        var finished = await ClusterWaits.JobFinished(Client, Ns, "sync");
        var pod = await ClusterWaits.OnlyPod(Client, Ns, "job-name=sync");
        Assert.True(finished.Status.Conditions.Any(c => c.Type == "Complete"), await ClusterWaits.Log(Client, Ns, pod.Metadata.Name));
        var media = Cluster.VolumePath(Ns, "media");
        Assert.Equal("png", File.ReadAllText(Path.Combine(media, "images", "a.png")));
        Assert.Equal("hello", File.ReadAllText(Path.Combine(media, "notes.txt")));
    }

    [Fact]
    public async Task Audit_shows_what_was_written_where()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "production-stack" } });
        await Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "stack" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "stack" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "stack" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "stack", Image = "xchem/fragalysis-stack:2026.11.2" }] },
                },
            },
        }, "production-stack");
        var before = Cluster.Requests.Count;

        var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync("stack", "production-stack");
        Assert.Equal("xchem/fragalysis-stack:2026.11.2", deployment.Spec.Template.Spec.Containers[0].Image);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }, Ns);

        var since = Cluster.Requests.Skip(before).ToList();
        Assert.DoesNotContain(since, r => r.Namespace == "production-stack" && r.IsWrite);
        Assert.Contains(since, r => r is { Method: "GET", Namespace: "production-stack", Name: "stack", StatusCode: 200 });
        Assert.Contains(since, r => r is { Method: "POST", Namespace: Ns, Resource: "configmaps", StatusCode: 201 });
    }

    [Fact]
    public async Task Pods_are_deleted_gracefully_and_watchers_see_the_deletion_timestamp_first()
    {
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "img:1", replicas: 1), Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 1);
        await Client.AppsV1.DeleteNamespacedStatefulSetAsync("stack", Ns, propagationPolicy: "Orphan");

        var version = (await Client.CoreV1.ListNamespacedPodAsync(Ns)).Metadata.ResourceVersion;
        using var cts = new CancellationTokenSource(Eventually.DefaultTimeout);
        var watch = Client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(Ns, watch: true, resourceVersion: version, cancellationToken: cts.Token)
            .WatchAsync<V1Pod, V1PodList>(cancellationToken: cts.Token);
        var answer = await Client.CoreV1.DeleteNamespacedPodAsync("stack-0", Ns);
        Assert.NotNull(answer.Metadata.DeletionTimestamp);

        var seen = new List<(WatchEventType Type, bool Deleting)>();
        await foreach (var (type, pod) in watch)
        {
            seen.Add((type, pod.Metadata.DeletionTimestamp is not null));
            if (type == WatchEventType.Deleted) break;
        }
        Assert.Equal((WatchEventType.Modified, true), seen[0]);
        Assert.Equal(WatchEventType.Deleted, seen[^1].Type);
    }

    [Fact]
    public async Task Pvc_in_use_stays_terminating_until_its_pod_goes()
    {
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), Ns);
        var sts = Samples.StatefulSet("database", "postgres-like:1", replicas: 1);
        sts.Spec.Template.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "data" } }];
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "database", 1);
        File.WriteAllText(Path.Combine(Cluster.VolumePath(Ns, "data"), "PG_VERSION"), "15");

        var deleting = await Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", Ns);
        Assert.NotNull(deleting.Metadata.DeletionTimestamp);
        Assert.Contains("kubernetes.io/pvc-protection", deleting.Metadata.Finalizers);
        Assert.NotNull(await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", Ns));

        await Client.AppsV1.DeleteNamespacedStatefulSetAsync("database", Ns, propagationPolicy: "Background");
        await Eventually.True(async () => (await Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(Ns)).Items.Count == 0, "the claim to go after its pod");
        Assert.False(Directory.Exists(Cluster.VolumePath(Ns, "data")));
    }

    [Fact]
    public async Task Terminating_namespace_refuses_new_objects_with_403()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "dev-alan" } });
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "img:1", replicas: 1), "dev-alan");
        await ClusterWaits.StatefulSetReady(Client, "dev-alan", "stack", 1);
        var ns = await Client.CoreV1.DeleteNamespaceAsync("dev-alan");
        try
        {
            await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late" } }, "dev-alan");
            // The namespace may already be gone, in which case the answer is 404 instead; both are real outcomes.
        }
        catch (HttpOperationException e)
        {
            Assert.True(e.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, e.Response.Content);
            if (e.Response.StatusCode == HttpStatusCode.Forbidden)
                Assert.Contains("because it is being terminated", e.Response.Content);
        }
        await Eventually.True(async () => (await Client.CoreV1.ListNamespaceAsync()).Items.All(n => n.Metadata.Name != "dev-alan"), "dev-alan to go");
        var pods = await Client.CoreV1.ListPodForAllNamespacesAsync();
        Assert.DoesNotContain(pods.Items, p => p.Metadata.NamespaceProperty == "dev-alan");
    }

    [Fact]
    public async Task Changing_the_image_rolls_the_statefulset_pods()
    {
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "xchem/fragalysis-stack:1", replicas: 1), Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 1);
        var before = await Client.CoreV1.ReadNamespacedPodAsync("stack-0", Ns);

        var patch = new V1Patch("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"stack\",\"image\":\"xchem/fragalysis-stack:2\"}]}}}}", V1Patch.PatchType.StrategicMergePatch);
        await Client.AppsV1.PatchNamespacedStatefulSetAsync(patch, "stack", Ns);

        var after = await Eventually.Get(() => Client.CoreV1.ReadNamespacedPodAsync("stack-0", Ns),
            p => p.Metadata.Uid != before.Metadata.Uid && p.Spec.Containers[0].Image == "xchem/fragalysis-stack:2" && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
            "stack-0 to be replaced by a ready pod of the new image");
        var sts = await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 1);
        Assert.Equal(2, sts.Status.ObservedGeneration);
        Assert.Equal(sts.Status.UpdateRevision, after.Metadata.Labels["controller-revision-hash"]);
    }

    [Fact]
    public async Task Restarts_under_OnFailure_count_toward_the_backoff_limit()
    {
        var job = Samples.Job("flaky", ["replica", "worker", "no-such-step"]);
        job.Spec.BackoffLimit = 1;
        job.Spec.Template.Spec.RestartPolicy = "OnFailure";
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        var finished = await ClusterWaits.JobFinished(Client, Ns, "flaky");
        Assert.Contains(finished.Status.Conditions, c => c.Type == "Failed" && c.Reason == "BackoffLimitExceeded");
        Assert.Empty((await Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: "job-name=flaky")).Items.Where(p => p.Metadata.DeletionTimestamp is null && p.Status.Phase == "Running"));
    }

    [Fact]
    public async Task Postgres_without_a_password_fails_and_backs_off_like_the_official_image()
    {
        Cluster.RunPostgres();
        var sts = Samples.StatefulSet("database", "postgres:15", replicas: 1);
        sts.Spec.Template.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/var/lib/postgresql/data" }];
        sts.Spec.Template.Spec.Volumes = [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }];
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns);
        await Eventually.Get(() => Client.CoreV1.ReadNamespacedPodAsync("database-0", Ns),
            p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason == "CrashLoopBackOff", "database-0 in CrashLoopBackOff");
        using var previous = await Client.CoreV1.ReadNamespacedPodLogAsync("database-0", Ns, previous: true);
        Assert.Contains("superuser password is not specified", await new StreamReader(previous).ReadToEndAsync());
    }
}
