using k8s;
using k8s.Models;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests;

/// <summary>The simulated StatefulSet controller, PVC provisioning and kubelet, seen through the real client.</summary>
public sealed class SimulationStatefulSetTests : SimulatedNamespaceTest
{
    [Fact]
    public async Task StatefulSet_pods_become_ready_and_scale_to_zero_removes_them()
    {
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "xchem/fragalysis-stack:1.0", replicas: 2), Ns);
        var sts = await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 2);
        Assert.Equal(sts.Metadata.Generation, sts.Status.ObservedGeneration);

        var pods = (await Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: "app=stack")).Items.OrderBy(p => p.Metadata.Name).ToList();
        Assert.Equal(["stack-0", "stack-1"], pods.Select(p => p.Metadata.Name));
        foreach (var pod in pods)
        {
            Assert.Equal("Running", pod.Status.Phase);
            Assert.Contains(pod.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
            Assert.True(pod.Status.ContainerStatuses.Single().Ready);
            var owner = pod.Metadata.OwnerReferences.Single();
            Assert.Equal(("StatefulSet", "stack", sts.Metadata.Uid), (owner.Kind, owner.Name, owner.Uid));
            Assert.Equal(pod.Metadata.Name, pod.Metadata.Labels["statefulset.kubernetes.io/pod-name"]);
        }

        var scale = await Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("{\"spec\":{\"replicas\":0}}", V1Patch.PatchType.MergePatch), "stack", Ns);
        Assert.Equal(0, scale.Spec.Replicas);
        await Eventually.True(async () => (await Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: "app=stack")).Items.Count == 0, "stack pods to go after scaling to 0");
        var scaled = await Client.AppsV1.ReadNamespacedStatefulSetAsync("stack", Ns);
        Assert.Equal(0, scaled.Status.Replicas);
        Assert.Null(scaled.Status.ReadyReplicas); // omitted when zero, as on a real cluster
    }

    [Fact]
    public async Task An_object_the_controller_cannot_handle_does_not_starve_the_others()
    {
        // Validation keeps such an object out of a real store; put one in behind the API server's back.
        Cluster.Store.Create(Simulation.Store.ResourceTypes.StatefulSets, Ns, new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "StatefulSet",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "broken", ["namespace"] = Ns, ["uid"] = Guid.NewGuid().ToString() },
        });
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "img:1", replicas: 1), Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 1);
        Assert.Contains(Cluster.Faults, f => f.Contains($"{Ns}/broken", StringComparison.Ordinal));
        FaultsExpected = true;
    }

    [Fact]
    public async Task Deleting_a_StatefulSet_removes_its_pods()
    {
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "img:1", replicas: 1), Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 1);
        await Client.AppsV1.DeleteNamespacedStatefulSetAsync("stack", Ns, propagationPolicy: "Foreground");
        await Eventually.True(async () => (await Client.CoreV1.ListNamespacedPodAsync(Ns)).Items.Count == 0
                                          && (await Client.AppsV1.ListNamespacedStatefulSetAsync(Ns)).Items.Count == 0,
            "the StatefulSet and its pod to go");
    }

    [Fact]
    public async Task Image_pull_failure_is_visible_through_a_watch_and_events()
    {
        Cluster.FailImagePull("xchem/fragalysis-stack:bad");
        var version = (await Client.CoreV1.ListNamespacedPodAsync(Ns)).Metadata.ResourceVersion;
        using var cts = new CancellationTokenSource(Eventually.DefaultTimeout);
        var watch = Client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(Ns, watch: true, resourceVersion: version, cancellationToken: cts.Token)
            .WatchAsync<V1Pod, V1PodList>(cancellationToken: cts.Token);

        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "xchem/fragalysis-stack:bad", replicas: 1), Ns);

        V1Pod? stuck = null;
        await foreach (var (_, pod) in watch)
        {
            var waiting = pod.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting;
            if (waiting?.Reason == "ImagePullBackOff") { stuck = pod; break; }
        }
        var pending = Assert.IsType<V1Pod>(stuck);
        Assert.Equal("Pending", pending.Status.Phase);

        var events = await Client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: $"involvedObject.name={pending.Metadata.Name}");
        Assert.Contains(events.Items, e => e.Reason == "Failed" && e.Type == "Warning" && e.Message.Contains("xchem/fragalysis-stack:bad"));
        Assert.Contains(events.Items, e => e.Reason == "BackOff" && e.InvolvedObject.Kind == "Pod" && e.InvolvedObject.Uid == pending.Metadata.Uid);

        var logError = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => ClusterWaits.Log(Client, Ns, pending.Metadata.Name));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, logError.Response.StatusCode);
        Assert.Contains("is waiting to start", logError.Response.Content);
    }

    [Fact]
    public async Task Image_tagged_does_not_exist_fails_to_pull_without_declaration()
    {
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "xchem/fragalysis-stack:does-not-exist", replicas: 1), Ns);
        var pod = await Eventually.Get(() => Client.CoreV1.ReadNamespacedPodAsync("stack-0", Ns),
            p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason == "ImagePullBackOff", "stack-0 in ImagePullBackOff");
        Assert.Equal("Pending", pod.Status.Phase);
    }

    [Fact]
    public async Task Crashing_image_goes_into_CrashLoopBackOff_with_restarts()
    {
        Cluster.CrashImage("xchem/fragalysis-stack:crash", exitCode: 3, log: "django: no database");
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "xchem/fragalysis-stack:crash", replicas: 1), Ns);
        var pod = await Eventually.Get(() => Client.CoreV1.ReadNamespacedPodAsync("stack-0", Ns),
            p => p.Status?.ContainerStatuses?.Single() is { RestartCount: >= 1, State.Waiting.Reason: "CrashLoopBackOff" }, "stack-0 in CrashLoopBackOff");
        Assert.Equal(3, pod.Status.ContainerStatuses.Single().LastState.Terminated.ExitCode);
        Assert.Contains("django: no database", await ClusterWaits.Log(Client, Ns, "stack-0"));
    }

    [Fact]
    public async Task Volume_claim_templates_get_bound_pvcs_backed_by_folders()
    {
        var sts = Samples.StatefulSet("database", "postgres:15", replicas: 1);
        sts.Spec.VolumeClaimTemplates =
        [
            new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta { Name = "data" },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteOnce"],
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity("20Gi") } },
                },
            },
        ];
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "database", 1);
        var pvc = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data-database-0", Ns);
        Assert.Equal("Bound", pvc.Status.Phase);
        Assert.Equal(SimulatedCluster.DefaultStorageClass, pvc.Spec.StorageClassName);
        Assert.Equal("20Gi", pvc.Status.Capacity["storage"].ToString());
        Assert.True(Directory.Exists(Cluster.VolumePath(Ns, "data-database-0")));
    }

    [Fact]
    public async Task Pvc_of_an_unbound_storage_class_stays_pending_and_blocks_its_pod()
    {
        Cluster.FailStorageClass("nfs-client");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "media" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                StorageClassName = "nfs-client",
                AccessModes = ["ReadWriteMany"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity("300Gi") } },
            },
        }, Ns);
        var sts = Samples.StatefulSet("stack", "img:1", replicas: 1);
        sts.Spec.Template.Spec.Volumes = [new V1Volume { Name = "media", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "media" } }];
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns);

        var events = await Eventually.Get(() => Client.CoreV1.ListNamespacedEventAsync(Ns),
            l => l.Items.Any(e => e.Reason == "ProvisioningFailed") && l.Items.Any(e => e.Reason == "FailedScheduling"),
            "ProvisioningFailed and FailedScheduling events");
        Assert.Contains(events.Items, e => e.Reason == "ProvisioningFailed" && e.InvolvedObject.Name == "media");
        Assert.Equal("Pending", (await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("media", Ns)).Status.Phase);
        var pod = await Client.CoreV1.ReadNamespacedPodAsync("stack-0", Ns);
        Assert.Contains(pod.Status.Conditions, c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable");
    }

    [Fact]
    public async Task Test_callback_runs_the_database_pod_with_its_secret_and_volume_and_maps_the_service()
    {
        SimulatedPod? started = null;
        var stopped = false;
        Cluster.OnPodStart(p => p.Image.StartsWith("postgres:", StringComparison.Ordinal), (pod, ct) =>
        {
            started = pod;
            File.WriteAllText(Path.Combine(pod.MountFolder("/var/lib/postgresql/data"), "PG_VERSION"), "15");
            pod.Cluster.MapService(pod.Namespace, "database", "127.0.0.1", 15432);
            pod.Log("database system is ready to accept connections");
            return Task.FromResult<IAsyncDisposable?>(new Stopper(() => stopped = true));
        });
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "database" },
            StringData = new Dictionary<string, string> { ["password"] = "generated" },
        }, Ns);
        var sts = Samples.StatefulSet("database", "postgres:15", replicas: 1);
        var container = sts.Spec.Template.Spec.Containers[0];
        container.Env = [new V1EnvVar { Name = "POSTGRES_PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "database", Key = "password" } } }];
        container.VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/var/lib/postgresql/data" }];
        sts.Spec.Template.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "database" } }];
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "database" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity("1Gi") } },
            },
        }, Ns);
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "database", 1);

        Assert.NotNull(started);
        Assert.Equal("generated", started!.Environment["POSTGRES_PASSWORD"]);
        Assert.Equal(("StatefulSet", "database"), (started.OwnerKind, started.OwnerName));
        Assert.True(File.Exists(Path.Combine(Cluster.VolumePath(Ns, "database"), "PG_VERSION")));
        Assert.Contains("ready to accept connections", await ClusterWaits.Log(Client, Ns, "database-0"));

        await Client.AppsV1.DeleteNamespacedStatefulSetAsync("database", Ns);
        await Eventually.True(() => Task.FromResult(stopped), "the test's database to be stopped when its pod goes");
    }

    [Fact]
    public async Task Http_readiness_probe_runs_against_the_endpoint_the_pod_serves()
    {
        var healthy = false;
        var port = Replica.Postgres.Instances.PostgresInstance.FindFreePort();
        Cluster.OnPodStart(p => p.OwnerName == "stack", (pod, ct) =>
        {
            var listener = new System.Net.HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    System.Net.HttpListenerContext context;
                    try { context = await listener.GetContextAsync(); } catch (Exception) { return; }
                    context.Response.StatusCode = context.Request.Url!.AbsolutePath == "/healthz" && Volatile.Read(ref healthy) ? 200 : 503;
                    context.Response.Close();
                }
            });
            pod.Serve("127.0.0.1", port);
            return Task.FromResult<IAsyncDisposable?>(new Stopper(() => listener.Close()));
        });
        var sts = Samples.StatefulSet("stack", "xchem/fragalysis-stack:1", replicas: 1);
        sts.Spec.Template.Spec.Containers[0].ReadinessProbe = new V1Probe
        {
            HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 80 },
            PeriodSeconds = 2,
            FailureThreshold = 3,
        };
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns);

        var events = await Eventually.Get(() => Client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: "reason=Unhealthy"),
            l => l.Items.Count > 0, "an Unhealthy event while /healthz answers 503");
        Assert.Contains("HTTP probe failed with statuscode: 503", events.Items[0].Message);
        var pod = await Client.CoreV1.ReadNamespacedPodAsync("stack-0", Ns);
        Assert.Equal("Running", pod.Status.Phase);
        Assert.Contains(pod.Status.Conditions, c => c.Type == "Ready" && c.Status == "False");

        Volatile.Write(ref healthy, true);
        await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 1);
    }

    private sealed class Stopper(Action stop) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() { stop(); return ValueTask.CompletedTask; }
    }
}
