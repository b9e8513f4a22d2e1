using k8s;
using k8s.Exceptions;
using Replica.Core;

namespace Replica.Kubernetes.Cluster;

/// <summary>
/// Kube credentials from the usual places: $KUBECONFIG (its first existing file) or ~/.kube/config
/// with the target's context, else the in-cluster service account.
/// </summary>
public static class ClusterConnection
{
    // One client per kubeconfig and context for the process: the server builds a platform per request,
    // and each client owns an HttpClient and its connections.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<IKubernetes>> Clients = new(StringComparer.Ordinal);

    public static IKubernetes Open(string? context)
    {
        var key = $"{Environment.GetEnvironmentVariable("KUBECONFIG")}\n{context}";
        var lazy = Clients.GetOrAdd(key, _ => new Lazy<IKubernetes>(() => Connect(context)));
        try { return lazy.Value; }
        catch (RefusedException)
        {
            Clients.TryRemove(new KeyValuePair<string, Lazy<IKubernetes>>(key, lazy)); // a fixed kubeconfig is read again next time
            throw;
        }
    }

    private static IKubernetes Connect(string? context)
    {
        try
        {
            return new k8s.Kubernetes(Configuration(context));
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or FormatException or YamlDotNet.Core.YamlException)
        {
            throw new RefusedException($"The kubeconfig cannot be used{(context is null ? "" : $" with context '{context}'")} ({e.Message.TrimEnd('.')}); check $KUBECONFIG and the kubernetes.context in replica.yaml.");
        }
    }

    public static KubernetesClientConfiguration Configuration(string? context)
    {
        var files = KubeconfigFiles();
        if (files.Count > 0)
        {
            // Several files in $KUBECONFIG: the first one that exists holds the contexts (no merging).
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(new FileInfo(files[0]), currentContext: context);
        }
        if (KubernetesClientConfiguration.IsInCluster())
            return KubernetesClientConfiguration.InClusterConfig();
        throw new RefusedException("No kubeconfig was found ($KUBECONFIG is unset and ~/.kube/config does not exist) and replica is not running in a cluster; set $KUBECONFIG to your cluster's kubeconfig.");
    }

    private static List<string> KubeconfigFiles()
    {
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(env))
            return env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(File.Exists).ToList();
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(home) ? [home] : [];
    }
}
