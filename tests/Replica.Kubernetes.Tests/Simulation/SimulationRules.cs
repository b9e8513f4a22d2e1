using System.Collections.Concurrent;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// What a test has declared about the world outside the API server: which images cannot be
/// pulled or crash, which storage classes never bind, where NFS exports and services really are,
/// and which pods the test runs itself.
/// </summary>
public sealed class SimulationRules
{
    private readonly ConcurrentDictionary<string, bool> _unpullable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int ExitCode, string Log)> _crashing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _neverReady = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unboundClasses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Server, string Path), string> _nfs = new();
    private readonly ConcurrentDictionary<(string Ns, string Service), (string Host, int Port)> _services = new();
    private readonly List<PodStartRule> _podStarts = new();

    private readonly ConcurrentDictionary<string, bool> _readOnlyNamespaces = new(StringComparer.Ordinal);

    /// <summary>Writes in this namespace are refused with 403, as for a client whose Role there only reads.</summary>
    public void ReadOnlyNamespace(string ns) => _readOnlyNamespaces[ns] = true;

    private readonly ConcurrentDictionary<string, (string Webhook, string Message)> _deniedPods = new(StringComparer.Ordinal);
    /// <summary>Pods whose name starts with this prefix are denied by a validating admission webhook.</summary>
    public void DenyPods(string namePrefix, string webhook, string message) => _deniedPods[namePrefix] = (webhook, message);
    public (string Webhook, string Message)? PodDenial(string podName) =>
        _deniedPods.FirstOrDefault(d => podName.StartsWith(d.Key, StringComparison.Ordinal)) is { Key: not null } d ? d.Value : null;
    public bool IsReadOnly(string? ns) => ns is not null && _readOnlyNamespaces.ContainsKey(ns);

    public void FailImagePull(string image) => _unpullable[image] = true;

    /// <summary>Declared unpullable, or tagged `does-not-exist`.</summary>
    public bool IsUnpullable(string image) => _unpullable.ContainsKey(image) || image.EndsWith(":does-not-exist", StringComparison.Ordinal);

    public void CrashImage(string image, int exitCode, string log) => _crashing[image] = (exitCode, log);
    public (int ExitCode, string Log)? Crash(string image) => _crashing.TryGetValue(image, out var c) ? c : null;

    private readonly ConcurrentDictionary<string, bool> _shellImages = new(StringComparer.Ordinal);

    /// <summary>Containers of images starting so (repository, any tag) that run `sh -c COMMAND` run it on this machine.</summary>
    public void RunShell(string imagePrefix) => _shellImages[imagePrefix] = true;
    public bool RunsShell(string image) => _shellImages.Keys.Any(p => image.StartsWith(p, StringComparison.Ordinal));

    public void NeverReady(string image) => _neverReady[image] = true;
    public bool IsNeverReady(string image) => _neverReady.ContainsKey(image);

    public void FailStorageClass(string storageClass) => _unboundClasses[storageClass] = true;
    public bool IsUnbound(string? storageClass) => storageClass is not null && _unboundClasses.ContainsKey(storageClass);

    public void MapNfs(string server, string path, string localFolder) => _nfs[(server, path.TrimEnd('/'))] = Path.GetFullPath(localFolder);

    /// <summary>The folder standing for an NFS export path, also for a path below a registered export.</summary>
    public string? NfsFolder(string server, string path)
    {
        path = path.TrimEnd('/');
        foreach (var ((s, exported), folder) in _nfs.OrderByDescending(kv => kv.Key.Path.Length))
        {
            if (s != server) continue;
            if (path == exported) return folder;
            if (path.StartsWith(exported + "/", StringComparison.Ordinal))
                return Path.Combine(folder, path[(exported.Length + 1)..]);
        }
        return null;
    }

    public void MapService(string ns, string service, string host, int port) => _services[(ns, service)] = (host, port);
    public IReadOnlyDictionary<(string Ns, string Service), (string Host, int Port)> Services => _services;

    private readonly ConcurrentDictionary<(string Ns, string Pod), (string Host, int Port)> _endpoints = new();

    /// <summary>Where a pod really listens (set by a test's start callback), so Services selecting it reach it.</summary>
    public void ServePod(string ns, string pod, string host, int port) => _endpoints[(ns, pod)] = (host, port);
    public void ForgetPod(string ns, string pod) => _endpoints.TryRemove((ns, pod), out _);
    public (string Host, int Port)? Endpoint(string ns, string pod) => _endpoints.TryGetValue((ns, pod), out var e) ? e : null;

    public void OnPodStart(PodStartRule rule)
    {
        lock (_podStarts) _podStarts.Add(rule);
    }

    public PodStartRule? PodStartFor(SimulatedPod pod)
    {
        lock (_podStarts) return _podStarts.LastOrDefault(r => r.Match(pod));
    }
}

/// <summary>A test's own way of running matching pods (say, a real PostgreSQL for the database StatefulSet).</summary>
public sealed record PodStartRule(Func<SimulatedPod, bool> Match, Func<SimulatedPod, CancellationToken, Task<IAsyncDisposable?>> Start);
