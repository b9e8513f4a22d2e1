using System.Diagnostics;
using System.Net.Sockets;
using k8s;
using k8s.Models;
using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Tests.Simulation;
using Replica.Postgres.Instances;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// A `staging` kubernetes target on a simulated cluster: production's namespace with its stack
/// StatefulSet (for the image tag), NFS exports standing for the backup volumes (copies of the
/// repo's samples), the database StatefulSet's pod played by a real PostgreSQL server, and the
/// stack's pod by the sample stack (samples/stack/app.py) as a local process.
/// </summary>
public sealed class SimulatedStaging : IAsyncDisposable
{
    public const string Namespace = "staging-stack";
    public const string ProductionNamespace = "production-stack";
    public const string ProductionTag = "2026.11.2";
    public const string StackImage = "sample/stack";
    public const string NfsServer = "nfs.simulation";

    public SimulatedCluster Cluster { get; }
    public IKubernetes Client { get; }
    public string Folder { get; }
    public string DatabaseBackups => Path.Combine(Folder, "db-backups");
    public string MediaBackup => Path.Combine(Folder, "media-backup");
    public ReplicaConfig Config { get; private set; } = null!;
    public RunStore Store { get; private set; } = null!;
    public KubernetesPlatformOptions Options { get; set; } = new()
    {
        ReplicaImage = "replica:simulation",
        StackReadyTimeout = TimeSpan.FromMinutes(2),
        DatabaseReadyTimeout = TimeSpan.FromSeconds(40),
        JobTimeout = TimeSpan.FromMinutes(5),
        ListBackupsTimeout = TimeSpan.FromMinutes(2),
        DeletionTimeout = TimeSpan.FromMinutes(1),
        UnboundClaimGrace = TimeSpan.FromSeconds(1),
    };

    /// <summary>When set, database pods wait for it before their server starts (the pod stays not Ready).</summary>
    public TaskCompletionSource? DatabaseGate { get; set; }

    /// <summary>
    /// Settings the database image's own configuration adds for a pod (as a postgresql.conf baked into an image would),
    /// below the container's command line; null: none, as the official image.
    /// </summary>
    public Func<SimulatedPod, IReadOnlyDictionary<string, string>?>? DatabaseImageSettings { get; set; }

    /// <summary>The PostgreSQL servers started for database pods, newest last.</summary>
    public List<PostgresInstance> Databases { get; } = new();

    /// <summary>Ports the sample stack processes listen on, newest last.</summary>
    public List<int> StackPorts { get; } = new();

    private SimulatedStaging(SimulatedCluster cluster, string folder)
    {
        Cluster = cluster;
        Folder = folder;
        Client = cluster.CreateClient();
    }

    /// <param name="extraTargets">more targets (YAML under `targets:`).</param>
    /// <param name="staging">more keys of the staging target (YAML indented under it, e.g. after_restore).</param>
    /// <param name="topLevel">more top-level sections (e.g. masking).</param>
    public static async Task<SimulatedStaging> StartAsync(string? extraTargets = null, string? staging = null, string? topLevel = null)
    {
        var folder = Directory.CreateTempSubdirectory("replica-k8s-e2e-").FullName;
        // The database server runs as the postgres account when tests run as root: it must reach its folder.
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        var cluster = await SimulatedCluster.StartAsync(Directory.CreateDirectory(Path.Combine(folder, "cluster")).FullName);
        var s = new SimulatedStaging(cluster, folder);
        RepoPaths.CopyTree(Path.Combine(RepoPaths.Samples, "database"), s.DatabaseBackups);
        RepoPaths.CopyTree(Path.Combine(RepoPaths.Samples, "media"), s.MediaBackup);
        cluster.MapNfs(NfsServer, "/exports/db-replica", s.DatabaseBackups);
        cluster.MapNfs(NfsServer, "/exports/media-replica", s.MediaBackup);
        s.WriteConfig(extraTargets, staging, topLevel);
        await s.SeedProductionAsync();
        // Production's namespace is read-only for replica, as under the Role of docs/kubernetes.md: a write would get 403.
        cluster.ReadOnlyNamespace(ProductionNamespace);
        s._seedRequests = cluster.Requests.Count;
        s.PlayDatabasePods();
        s.PlayStackPods();
        return s;
    }

    public void WriteConfig(string? extraTargets = null, string? staging = null, string? topLevel = null)
    {
        static string Indent(string? yaml, int spaces) => yaml is null ? "" : string.Join('\n', yaml.Trim('\n').Split('\n').Select(l => new string(' ', spaces) + l));
        var path = Path.Combine(Folder, "replica.yaml");
        File.WriteAllText(path, $$"""
            state_dir: state
            source:
              database_backups: { nfs: { server: {{NfsServer}}, path: /exports/db-replica } }
              media_backup:     { nfs: { server: {{NfsServer}}, path: /exports/media-replica } }
              image_tag:
                kubernetes: { namespace: {{ProductionNamespace}}, kind: StatefulSet, name: stack, container: stack }
            targets:
              staging:
                platform: kubernetes
                kubernetes: { context: simulation, namespace: {{Namespace}} }
                database: { name: frag, owner: fragalysis }
                media: { pvc: media, size: 1Gi }
                stack:
                  image: {{StackImage}}
                  port: 8080
                  ready_path: /healthz
            {{Indent(staging, 4)}}
              production:
                protected: true
                platform: kubernetes
                kubernetes: { context: simulation, namespace: {{ProductionNamespace}} }
            {{extraTargets ?? ""}}
            {{Indent(topLevel, 0)}}
            """);
        Config = Replica.Cli.Modules.LoadConfig(path);
        Store = new RunStore(Config.StateDirectory);
    }

    /// <summary>
    /// Creates the target's namespace with these labels (an operator's namespace, e.g. with a Pod
    /// Security level) and serves the backups from claims in it instead of NFS exports: under
    /// Pod Security `restricted` a pod may not mount an `nfs:` volume, only a claim (bound to the export by a PersistentVolume).
    /// </summary>
    public async Task UseOwnNamespaceWithClaimSourcesAsync(IDictionary<string, string> labels)
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace, Labels = labels } });
        foreach (var (claim, samples) in new[] { ("db-backups", DatabaseBackups), ("media-backup", MediaBackup) })
        {
            await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta { Name = claim },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadOnlyMany"],
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                },
            }, Namespace);
            var folder = await Simulation.Eventually.Get(() => Task.FromResult(Cluster.VolumePath(Namespace, claim)), Directory.Exists, $"claim {claim} bound");
            RepoPaths.CopyTree(samples, folder);
        }
        var path = Path.Combine(Folder, "replica.yaml");
        File.WriteAllText(path, File.ReadAllText(path)
            .Replace($"{{ nfs: {{ server: {NfsServer}, path: /exports/db-replica }} }}", "{ pvc: db-backups }")
            .Replace($"{{ nfs: {{ server: {NfsServer}, path: /exports/media-replica }} }}", "{ pvc: media-backup }"));
        Config = Replica.Cli.Modules.LoadConfig(path);
        Store = new RunStore(Config.StateDirectory);
        _seedRequests = Cluster.Requests.Count;
    }

    /// <summary>The target's namespace as an operator makes it: plan lists the backups only in a namespace that exists (it never creates one).</summary>
    public Task CreateTargetNamespaceAsync() =>
        Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });

    private async Task SeedProductionAsync()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ProductionNamespace } });
        var labels = new Dictionary<string, string> { ["app"] = "stack" };
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "stack", Labels = labels },
            Spec = new V1StatefulSetSpec
            {
                Replicas = 1,
                ServiceName = "stack",
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container { Name = "nginx-sidecar", Image = "nginx:1.27" },
                            new V1Container { Name = "stack", Image = $"registry.example.org:5000/{StackImage}:{ProductionTag}" },
                        ],
                    },
                },
            },
        }, ProductionNamespace);
    }

    /// <summary>
    /// The database pod is a real PostgreSQL server in the database claim's folder, with the password
    /// from the pod's Secret (the simulation's RunPostgres start-up, keeping the instance for assertions).
    /// </summary>
    private void PlayDatabasePods() => Cluster.OnPodStart(
        pod => pod.Labels.TryGetValue("replica/component", out var c) && c == "database",
        async (pod, ct) =>
        {
            if (DatabaseGate is { } gate) await gate.Task.WaitAsync(ct);
            // As the image does: a fresh volume gets a new server, a restarted pod finds its data.
            var instance = await SimulatedPostgres.StartServerAsync(pod, ct, DatabaseImageSettings?.Invoke(pod));
            lock (Databases) Databases.Add(instance);
            pod.Serve("127.0.0.1", instance.Port);
            return new Stopper(async () => await instance.StopAsync(CancellationToken.None));
        });

    /// <summary>The stack pod runs samples/stack/app.py with the pod's environment (addresses rewritten by the simulation).</summary>
    private void PlayStackPods() => Cluster.OnPodStart(
        pod => pod.Labels.TryGetValue("replica/component", out var c) && c == "stack",
        async (pod, ct) =>
        {
            var port = PostgresInstance.FindFreePort();
            var start = new ProcessStartInfo("python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "samples", "stack", "app.py"));
            foreach (var (k, v) in pod.Environment) start.Environment[k] = v;
            start.Environment["PORT"] = port.ToString();
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) pod.Log(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) pod.Log(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var stopper = new Stopper(async () =>
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await process.WaitForExitAsync(CancellationToken.None);
                process.Dispose();
            });
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                if (process.HasExited)
                {
                    await stopper.DisposeAsync();
                    throw new InvalidOperationException($"the sample stack exited with code {process.ExitCode}");
                }
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz", ct)).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
                if (DateTime.UtcNow > deadline)
                {
                    await stopper.DisposeAsync();
                    throw new TimeoutException("the sample stack did not answer /healthz");
                }
                await Task.Delay(100, ct);
            }
            lock (StackPorts) StackPorts.Add(port);
            return stopper;
        });

    public IPlatformFactory Platforms => new Factory(this);

    public TargetWorkflows Workflows => new(Config, Store, Platforms);

    public KubernetesPlatform Platform(string target = "staging") => new(Config, Config.Target(target), Client, Options, _ => Client);

    private sealed class Factory(SimulatedStaging s) : IPlatformFactory
    {
        public IPlatform For(ReplicaConfig config, TargetConfig target) => new KubernetesPlatform(config, target, s.Client, s.Options, _ => s.Client);
    }

    /// <summary>Write requests the API server answered in a namespace (or on the namespace itself) since the fixture seeded it.</summary>
    public IReadOnlyList<string> WritesIn(string ns) => Cluster.Requests.Skip(_seedRequests)
        .Where(r => r.IsWrite && (r.Namespace == ns || r.Path.Contains($"/namespaces/{ns}", StringComparison.Ordinal)))
        .Select(r => r.ToString()).ToList();

    private int _seedRequests;

    /// <summary>What the simulation holds, for a failing test's message.</summary>
    public async Task<string> DescribeAsync()
    {
        var pods = await Client.CoreV1.ListNamespacedPodAsync(Namespace);
        var sets = await Client.AppsV1.ListNamespacedStatefulSetAsync(Namespace);
        return string.Join('\n', [
            "simulation faults: " + string.Join("; ", Cluster.Faults),
            "statefulsets: " + string.Join(", ", sets.Items.Select(s => $"{s.Metadata.Name} ready={s.Status?.ReadyReplicas}")),
            "pods: " + string.Join(", ", pods.Items.Select(p => $"{p.Metadata.Name} {p.Status?.Phase} [{string.Join(",", p.Metadata.Labels?.Select(l => l.Key + "=" + l.Value) ?? [])}]")),
            "last requests: " + string.Join("; ", Cluster.Requests.TakeLast(15)),
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        var faults = Cluster.Faults.ToList();
        await Cluster.DisposeAsync();
        foreach (var db in Databases)
            if (db.IsRunning) await db.StopAsync(CancellationToken.None);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        // A 500 or a crashed controller inside the simulation makes whatever the test saw suspect.
        Assert.True(faults.Count == 0, "simulation faults: " + string.Join("; ", faults));
    }

    private sealed class Stopper(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }
}
