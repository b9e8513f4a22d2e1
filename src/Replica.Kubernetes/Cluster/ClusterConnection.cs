using k8s;
using k8s.Exceptions;
using Replica.Core;

namespace Replica.Kubernetes.Cluster;

/// <summary>
/// Kube credentials from the usual places: $KUBECONFIG (one or more files) or ~/.kube/config
/// with the target's context, else the in-cluster service account.
/// </summary>
public static class ClusterConnection
{
    public static IKubernetes Open(string? context)
    {
        try
        {
            return new k8s.Kubernetes(Configuration(context));
        }
        catch (KubeConfigException e)
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
