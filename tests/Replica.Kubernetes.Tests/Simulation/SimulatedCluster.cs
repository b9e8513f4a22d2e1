using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Replica.Kubernetes.Tests.Simulation.Api;
using Replica.Kubernetes.Tests.Simulation.Controllers;
using Replica.Kubernetes.Tests.Simulation.Kubelet;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// A simulated Kubernetes cluster for tests: an API server on 127.0.0.1 speaking the REST
/// protocol for the resources replica uses, plus simulated controllers and a simulated node
/// that make StatefulSet pods Ready, bind PVCs to folders, and run Jobs' `replica worker …`
/// containers as local processes. See Simulation/README.md for the seams.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ControllerLoop _controllers;
    private readonly SimulatedKubelet _kubelet;
    private readonly ApiEndpoint _endpoint;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly VolumeFolders _folders;
    private readonly bool _ownsRoot;

    public const string DefaultStorageClass = "standard";

    /// <summary>The API server's address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Server { get; private set; } = null!;
    /// <summary>The bearer token the API server accepts (and the kubeconfig carries).</summary>
    public string Token { get; } = $"simulation-{Guid.NewGuid():N}";
    /// <summary>Folder holding the volumes and pod scratch space of this simulation.</summary>
    public string Root { get; }
    public SimulationRules Rules { get; } = new();
    /// <summary>Path of the built replica.dll that worker pods run; defaults to the replica project's own build output.</summary>
    public string ReplicaDll { get; set; } = ReplicaExecutable.Locate();
    /// <summary>Pause between the simulated steps of a pod (scheduled, started, ready) so watchers see each.</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    internal ObjectStore Store { get; } = new();
    private readonly SimulationFaults _faults = new();

    /// <summary>The serving certificate when the simulation speaks HTTPS (the kubeconfig then carries it as the CA).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; }

    private SimulatedCluster(string? root, bool https)
    {
        _ownsRoot = root is null;
        Root = root ?? Directory.CreateTempSubdirectory("replica-k8s-simulation-").FullName;
        // Servers a test starts for pods (PostgreSQL runs as the postgres account when the tests run
        // as root) must be able to reach their volume folders below the root.
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        _folders = new VolumeFolders(Root);
        var operations = new ResourceOperations(Store, new Defaults(DefaultStorageClass), Rules);
        var events = new EventRecorder(Store);
        var logs = new PodLogBook();
        _endpoint = new ApiEndpoint(operations, Store, logs, Rules, _faults, Token, _shutdown.Token);
        _kubelet = new SimulatedKubelet(new KubeletContext(this, Store, Rules, new PodVolumes(Store, Rules, _folders, Root),
            new ContainerLaunch(Store, Rules), logs, events, () => ReplicaDll, () => StepDelay, () => _controllers?.Wake(), _faults));
        _controllers = new ControllerLoop(Store,
        [
            new NamespaceController(Store, _folders),
            new GarbageCollector(Store, operations),
            new PvcController(Store, Rules, _folders, events),
            new StatefulSetController(Store, operations, events),
            new JobController(Store, operations, events),
            _kubelet,
        ], _faults);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (https) Certificate = ServingCertificate.Create();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (Certificate is not null) listen.UseHttps(Certificate);
        }));
        _app = builder.Build();
        _app.Run(_endpoint.HandleAsync);
    }

    /// <summary>
    /// Starts a simulated cluster with the namespaces a fresh cluster has (default, kube-system).
    /// <paramref name="https"/> (the default) serves TLS with a self-signed certificate made at start that the kubeconfig trusts, as a real cluster would; false serves plain HTTP.
    /// </summary>
    public static async Task<SimulatedCluster> StartAsync(string? root = null, bool https = true)
    {
        var cluster = new SimulatedCluster(root, https);
        await cluster._app.StartAsync();
        var address = cluster._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        cluster.Server = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        foreach (var ns in new[] { "default", "kube-system", "kube-public" })
            cluster.Seed(ResourceTypes.Namespaces, "", new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ns } });
        cluster._controllers.Start();
        return cluster;
    }

    private void Seed(ResourceType type, string ns, System.Text.Json.Nodes.JsonObject obj) =>
        new ResourceOperations(Store, new Defaults(DefaultStorageClass)).Create(type, ns, obj, dryRun: false);

    // ---- kubeconfig and clients -------------------------------------------------------------

    /// <summary>Writes a kubeconfig with one context pointing at this simulation.</summary>
    public void WriteKubeconfig(string path, string contextName = "simulation", string? defaultNamespace = null) =>
        Kubeconfig.Write(path, contextName, [(contextName, this, defaultNamespace)]);

    /// <summary>A real KubernetesClient built from a kubeconfig written for this simulation.</summary>
    public k8s.Kubernetes CreateClient(string contextName = "simulation")
    {
        var path = Path.Combine(Root, $"kubeconfig-{contextName}");
        WriteKubeconfig(path, contextName);
        return new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path, contextName));
    }

    /// <summary>A plain HTTP client that trusts this simulation's certificate (and only it), with or without the bearer token.</summary>
    public HttpClient CreateHttpClient(bool withToken = true)
    {
        var handler = new HttpClientHandler();
        if (Certificate is { } ca)
            handler.ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null) return false;
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        var http = new HttpClient(handler) { BaseAddress = Server };
        if (withToken) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    // ---- the world around the API server ----------------------------------------------------

    /// <summary>The folder standing for a PVC's volume (exists once the claim is Bound).</summary>
    public string VolumePath(string ns, string claimName) => _folders.For(ns, claimName);

    /// <summary>NFS volumes with this server and path (or a path below it) mount this folder.</summary>
    public void MapNfs(string server, string path, string localFolder) => Rules.MapNfs(server, path, localFolder);

    /// <summary>Containers reaching this Service (by DNS name and port) reach host:port instead.</summary>
    public void MapService(string ns, string serviceName, string host, int port) => Rules.MapService(ns, serviceName, host, port);

    /// <summary>Pods using this image stay Pending in ErrImagePull/ImagePullBackOff (any `:does-not-exist` tag does too).</summary>
    public void FailImagePull(string image) => Rules.FailImagePull(image);

    /// <summary>Containers of this image exit with this code at once, and restart into CrashLoopBackOff.</summary>
    public void CrashImage(string image, int exitCode = 1, string log = "simulation: the container exited at once") => Rules.CrashImage(image, exitCode, log);

    /// <summary>Containers of this image run but never become Ready.</summary>
    public void NeverReady(string image) => Rules.NeverReady(image);

    /// <summary>
    /// Declares that an image (by prefix: repository, any tag) has a shell and the PostgreSQL client tools, as a
    /// Debian-based application image does: its containers' `sh -c COMMAND` run on this machine with the container's
    /// environment (addresses rewritten), instead of failing as commands the simulation cannot run.
    /// </summary>
    public void RunShell(string imagePrefix) => Rules.RunShell(imagePrefix);

    /// <summary>PVCs of this storage class stay Pending with a ProvisioningFailed event.</summary>
    public void FailStorageClass(string storageClass) => Rules.FailStorageClass(storageClass);

    /// <summary>
    /// Runs matching pods with the test's own code instead of the stand-in: <paramref name="start"/>
    /// is awaited before the pod is Running/Ready (a throw makes the container fail and back off),
    /// and what it returns is disposed when the pod goes. The last matching registration wins.
    /// </summary>
    public void OnPodStart(Func<SimulatedPod, bool> match, Func<SimulatedPod, CancellationToken, Task<IAsyncDisposable?>> start) =>
        Rules.OnPodStart(new PodStartRule(match, start));

    /// <summary>Pods whose name starts with <paramref name="namePrefix"/> are refused by a validating admission webhook (400, "admission webhook … denied the request: …"); their controllers record FailedCreate.</summary>
    public void DenyPods(string namePrefix, string webhook, string message) => Rules.DenyPods(namePrefix, webhook, message);

    /// <summary>Writes in this namespace are refused with 403 Forbidden, as under a read-only Role (production's namespace).</summary>
    public void ReadOnlyNamespace(string ns) => Rules.ReadOnlyNamespace(ns);

    /// <summary>Ends every open watch stream now; clients must watch again (from their last resourceVersion).</summary>
    public void DropWatches() => _endpoint.DropWatches();

    /// <summary>Forgets the change history (etcd compaction): watching from an older resourceVersion then gets a 410 ERROR event.</summary>
    public void CompactHistory() => Store.Compact();

    // ---- observation ------------------------------------------------------------------------

    /// <summary>Every request the API server answered, in order.</summary>
    public IReadOnlyList<RequestRecord> Requests => _endpoint.Requests;

    /// <summary>Failures inside the simulation (controllers, 500 answers, pod runs): its bugs; tests may assert this is empty.</summary>
    public IReadOnlyList<string> Faults => _faults.All;

    public async ValueTask DisposeAsync()
    {
        _shutdown.Cancel();
        await _controllers.DisposeAsync();
        await _kubelet.DisposeAsync();
        using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
        if (_ownsRoot)
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
