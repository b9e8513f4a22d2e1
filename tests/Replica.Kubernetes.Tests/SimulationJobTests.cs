using k8s;
using k8s.Models;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests;

/// <summary>Jobs in the simulation: `replica worker …` containers run as real local processes.</summary>
public sealed class SimulationJobTests : SimulatedNamespaceTest
{
    [Fact]
    public async Task Job_running_replica_worker_with_a_bad_subcommand_fails_with_the_usage_in_its_log()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(Samples.Job("restore", ["replica", "worker", "no-such-step"]), Ns);
        var job = await ClusterWaits.JobFinished(Client, Ns, "restore");

        Assert.Contains(job.Status.Conditions, c => c.Type == "Failed" && c.Status == "True" && c.Reason == "BackoffLimitExceeded");
        Assert.Equal(1, job.Status.Failed);
        Assert.Null(job.Status.Succeeded);

        var pod = await ClusterWaits.OnlyPod(Client, Ns, "job-name=restore");
        Assert.Equal("Failed", pod.Status.Phase);
        Assert.Equal(2, pod.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        var log = await ClusterWaits.Log(Client, Ns, pod.Metadata.Name);
        Assert.Contains("usage: replica worker sync-media", log);
        var tail = await ClusterWaits.Log(Client, Ns, pod.Metadata.Name, tailLines: 1);
        Assert.Equal(1, tail.TrimEnd('\n').Split('\n').Length);
        Assert.Contains("restore-db", tail);
    }

    [Fact]
    public async Task Job_with_a_command_the_simulation_cannot_run_fails_with_a_clear_log_line()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(Samples.Job("shell", ["sh", "-c", "pg_restore x"]), Ns);
        var job = await ClusterWaits.JobFinished(Client, Ns, "shell");
        Assert.Contains(job.Status.Conditions, c => c.Type == "Failed");
        var pod = await ClusterWaits.OnlyPod(Client, Ns, "job-name=shell");
        Assert.Contains("runs only `replica worker …` commands", await ClusterWaits.Log(Client, Ns, pod.Metadata.Name));
    }

    [Fact]
    public async Task Job_pods_carry_the_generated_selector_labels_and_owner()
    {
        var created = await Client.BatchV1.CreateNamespacedJobAsync(Samples.Job("restore", ["replica", "worker"]), Ns);
        Assert.Equal(created.Metadata.Uid, created.Spec.Selector.MatchLabels["batch.kubernetes.io/controller-uid"]);
        var pod = await ClusterWaits.OnlyPod(Client, Ns, "job-name=restore");
        Assert.StartsWith("restore-", pod.Metadata.Name);
        Assert.Equal(("Job", created.Metadata.Uid), (pod.Metadata.OwnerReferences.Single().Kind, pod.Metadata.OwnerReferences.Single().Uid));
        Assert.Equal("restore", pod.Metadata.Labels["batch.kubernetes.io/job-name"]);
        Assert.Equal("restore", pod.Metadata.Labels["replica/step"]);
    }

    [Fact]
    public async Task Deleting_a_Job_orphans_its_pods_unless_a_propagation_policy_is_given()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(Samples.Job("a", ["replica", "worker"]), Ns);
        await Client.BatchV1.CreateNamespacedJobAsync(Samples.Job("b", ["replica", "worker"]), Ns);
        await ClusterWaits.JobFinished(Client, Ns, "a");
        await ClusterWaits.JobFinished(Client, Ns, "b");

        await Client.BatchV1.DeleteNamespacedJobAsync("a", Ns);
        await Client.BatchV1.DeleteNamespacedJobAsync("b", Ns, propagationPolicy: "Background");

        await Eventually.True(async () => (await Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: "job-name=b")).Items.Count == 0, "job b's pod to go");
        var orphan = await ClusterWaits.OnlyPod(Client, Ns, "job-name=a");
        Assert.Null(orphan.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Delete_collection_by_label_removes_jobs_and_pods()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(Samples.Job("restore", ["replica", "worker"]), Ns);
        await ClusterWaits.JobFinished(Client, Ns, "restore");
        await Client.BatchV1.DeleteCollectionNamespacedJobAsync(Ns, labelSelector: "replica/step=restore", propagationPolicy: "Background");
        await Eventually.True(async () => (await Client.BatchV1.ListNamespacedJobAsync(Ns)).Items.Count == 0
                                          && (await Client.CoreV1.ListNamespacedPodAsync(Ns)).Items.Count == 0, "jobs and pods to go");
    }

    [Fact]
    public async Task Worker_command_sees_volume_folders_secrets_and_the_mapped_database_service()
    {
        var backups = Directory.CreateDirectory(Path.Combine(Cluster.Root, "nfs-db-replica")).FullName;
        Cluster.MapNfs("10.0.0.5", "/nfs/db-replica", backups);
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "database" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "database" }, Ports = [new V1ServicePort { Port = 5432 }] },
        }, Ns);
        Cluster.MapService(Ns, "database", "127.0.0.1", 54321);
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "database" },
            StringData = new Dictionary<string, string> { ["password"] = "pw" },
        }, Ns);

        // The test stands in for the worker here only to see exactly what it would be given.
        var seen = new TaskCompletionSource<SimulatedPod>();
        Cluster.OnPodStart(p => p.OwnerKind == "Job", (pod, _) => { seen.TrySetResult(pod); return Task.FromResult<IAsyncDisposable?>(null); });

        var job = Samples.Job("restore", ["replica", "worker", "restore-db"],
            ["--backup", "/backups/hourly", "--host", "database", "--port", "5432", "--user", "postgres"]);
        var container = job.Spec.Template.Spec.Containers[0];
        container.Env =
        [
            new V1EnvVar { Name = "PGPASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "database", Key = "password" } } },
            new V1EnvVar { Name = "DATABASE_URL", Value = "postgres://postgres@database.staging.svc.cluster.local:5432/frag" },
        ];
        container.VolumeMounts = [new V1VolumeMount { Name = "backups", MountPath = "/backups", ReadOnlyProperty = true }];
        job.Spec.Template.Spec.Volumes = [new V1Volume { Name = "backups", Nfs = new V1NFSVolumeSource { Server = "10.0.0.5", Path = "/nfs/db-replica", ReadOnlyProperty = true } }];
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);

        var pod = await seen.Task.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(["replica", "worker", "restore-db", "--backup", Path.Combine(backups, "hourly"), "--host", "127.0.0.1", "--port", "54321", "--user", "postgres"], pod.Command);
        Assert.Equal("pw", pod.Environment["PGPASSWORD"]);
        Assert.Equal("postgres://postgres@127.0.0.1:54321/frag", pod.Environment["DATABASE_URL"]);
        Assert.Equal("127.0.0.1", pod.Environment["DATABASE_SERVICE_HOST"]);
        Assert.Equal(backups, pod.MountFolder("/backups"));
    }

    [Fact]
    public async Task Missing_secret_keeps_the_container_waiting_with_CreateContainerConfigError()
    {
        var job = Samples.Job("restore", ["replica", "worker"]);
        job.Spec.Template.Spec.Containers[0].Env =
            [new V1EnvVar { Name = "PGPASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "nope", Key = "password" } } }];
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        var pod = await Eventually.Get(async () => await ClusterWaits.OnlyPod(Client, Ns, "job-name=restore"),
            p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason == "CreateContainerConfigError", "CreateContainerConfigError");
        var events = await Client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: $"involvedObject.name={pod.Metadata.Name},reason=Failed");
        Assert.Contains(events.Items, e => e.Message == "Error: secret \"nope\" not found");
    }

    [Fact]
    public async Task Unmapped_nfs_export_fails_to_mount()
    {
        var job = Samples.Job("media", ["replica", "worker"]);
        job.Spec.Template.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "m", MountPath = "/media-backup" }];
        job.Spec.Template.Spec.Volumes = [new V1Volume { Name = "m", Nfs = new V1NFSVolumeSource { Server = "10.0.0.9", Path = "/nope" } }];
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        await Eventually.True(async () => (await Client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: "reason=FailedMount")).Items.Count > 0, "a FailedMount event");
        var pod = await ClusterWaits.OnlyPod(Client, Ns, "job-name=media");
        Assert.Equal("Pending", pod.Status.Phase);
    }

    [Fact]
    public async Task Following_a_worker_log_streams_until_the_container_ends()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(Samples.Job("restore", ["replica", "worker", "restore-db"]), Ns);
        var pod = await Eventually.Get(async () => await ClusterWaits.OnlyPod(Client, Ns, "job-name=restore"),
            p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting is null && p.Status?.ContainerStatuses is not null, "the worker to start");
        using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, Ns, follow: true);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync().WaitAsync(Eventually.DefaultTimeout);
        Assert.Contains("replica worker: --backup is required.", text);
    }

    [Fact]
    public async Task Deleting_a_running_worker_pod_sends_SIGTERM_and_shows_how_it_ended()
    {
        // A server that accepts connections and never answers keeps the restore worker waiting.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        _ = Task.Run(async () => { try { while (true) held.Add(await silent.AcceptTcpClientAsync()); } catch (Exception) { } });
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var backup = Path.Combine(Cluster.Root, "backup.sql");
        File.WriteAllText(backup, "--\n-- PostgreSQL database dump\n--\n");

        var job = Samples.Job("restore", ["replica"], ["worker", "restore-db", "--backup", backup, "--host", "127.0.0.1", "--port", port.ToString(), "--user", "postgres", "--database", "frag"]);
        job.Spec.Template.Spec.Containers[0].Env = [new V1EnvVar { Name = "PGPASSWORD", Value = "pw" }];
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        var pod = await Eventually.Get(async () => await ClusterWaits.OnlyPod(Client, Ns, "job-name=restore"),
            p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Running is not null, "the restore worker to run");
        await Eventually.True(() => Task.FromResult(held.Count > 0), "the worker to connect");

        var version = (await Client.CoreV1.ListNamespacedPodAsync(Ns)).Metadata.ResourceVersion;
        using var cts = new CancellationTokenSource(Eventually.DefaultTimeout);
        var watch = Client.CoreV1.WatchListNamespacedPodAsync(Ns, resourceVersion: version, cancellationToken: cts.Token);
        await Client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, Ns);

        V1ContainerStateTerminated? ended = null;
        await foreach (var (type, seen) in watch)
        {
            ended = seen.Status?.ContainerStatuses?.Single().State?.Terminated ?? ended;
            if (type == WatchEventType.Deleted) break;
        }
        Assert.NotNull(ended);
        Assert.Equal(1, ended!.ExitCode); // the worker's own exit on SIGTERM (not 137: killed after the grace period; not 143: the signal's default)
        foreach (var c in held) c.Dispose();
    }

    [Fact]
    public async Task Failing_init_container_fails_the_pod_before_its_containers_start()
    {
        var job = Samples.Job("restore", ["replica", "worker", "restore-db"]);
        job.Spec.Template.Spec.InitContainers = [new V1Container { Name = "check", Image = "replica:test", Command = ["replica", "worker", "no-such-step"] }];
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        var finished = await ClusterWaits.JobFinished(Client, Ns, "restore");
        Assert.Contains(finished.Status.Conditions, c => c.Type == "Failed");

        var pod = await ClusterWaits.OnlyPod(Client, Ns, "job-name=restore");
        Assert.Equal("Failed", pod.Status.Phase);
        Assert.Equal(2, pod.Status.InitContainerStatuses.Single().State.Terminated.ExitCode);
        Assert.Equal("PodInitializing", pod.Status.ContainerStatuses.Single().State.Waiting.Reason);
        Assert.Contains(pod.Status.Conditions, c => c.Type == "Initialized" && c.Status == "False");
        using var log = await Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, Ns, container: "check");
        Assert.Contains("usage: replica worker", await new StreamReader(log).ReadToEndAsync());
    }

    [Fact]
    public async Task Init_container_the_simulation_cannot_run_counts_as_completed()
    {
        var sts = Samples.StatefulSet("stack", "xchem/fragalysis-stack:1", replicas: 1);
        sts.Spec.Template.Spec.InitContainers = [new V1Container { Name = "chown", Image = "busybox:1", Command = ["sh", "-c", "chown -R 1000 /media"] }];
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, Ns);
        await ClusterWaits.StatefulSetReady(Client, Ns, "stack", 1);
        var pod = await Client.CoreV1.ReadNamespacedPodAsync("stack-0", Ns);
        Assert.Equal(0, pod.Status.InitContainerStatuses.Single().State.Terminated.ExitCode);
        using var log = await Client.CoreV1.ReadNamespacedPodLogAsync("stack-0", Ns, container: "chown");
        Assert.Contains("counts as completed", await new StreamReader(log).ReadToEndAsync());
    }

    [Fact]
    public async Task Active_deadline_fails_a_job_that_runs_too_long()
    {
        Cluster.OnPodStart(p => p.OwnerName == "slow", (_, _) => Task.FromResult<IAsyncDisposable?>(null));
        var job = Samples.Job("slow", ["replica", "worker", "restore-db"]);
        job.Spec.ActiveDeadlineSeconds = 1;
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        var finished = await ClusterWaits.JobFinished(Client, Ns, "slow");
        Assert.Contains(finished.Status.Conditions, c => c.Type == "Failed" && c.Reason == "DeadlineExceeded");
        await Eventually.True(async () => (await Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: "job-name=slow")).Items.Count == 0,
            "the deadline-exceeded job's pod to be deleted");
    }

    [Fact]
    public async Task Finished_job_with_ttl_is_removed_with_its_pods()
    {
        var job = Samples.Job("short", ["replica", "worker"]);
        job.Spec.TtlSecondsAfterFinished = 0;
        await Client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        await Eventually.True(async () => (await Client.BatchV1.ListNamespacedJobAsync(Ns)).Items.Count == 0
                                          && (await Client.CoreV1.ListNamespacedPodAsync(Ns)).Items.Count == 0,
            "the finished job and its pod to be removed by the TTL");
    }
}
