using k8s;
using k8s.Models;

namespace Replica.Kubernetes.Waiting;

/// <summary>How to list and watch one kind of object in a namespace, by label selector.</summary>
public sealed record WatchedKind<T>(
    string Kind,
    Func<string, CancellationToken, Task<(IList<T> Items, string? ResourceVersion)>> List,
    Func<string, string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> Watch)
    where T : IKubernetesObject<V1ObjectMeta>;

/// <summary>The kinds replica waits on.</summary>
public static class WatchedKinds
{
    /// <summary>Server-side watch timeout; the watch is then renewed from the last resourceVersion.</summary>
    private const int WatchSeconds = 240;

    public static WatchedKind<V1Pod> Pods(IKubernetes k, string ns) => new("Pod",
        async (selector, ct) => { var l = await k.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct); return (l.Items, l.Metadata?.ResourceVersion); },
        (selector, rv, ct) => k.CoreV1.WatchListNamespacedPodAsync(ns, labelSelector: selector, resourceVersion: rv, timeoutSeconds: WatchSeconds, cancellationToken: ct));

    public static WatchedKind<V1StatefulSet> StatefulSets(IKubernetes k, string ns) => new("StatefulSet",
        async (selector, ct) => { var l = await k.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: selector, cancellationToken: ct); return (l.Items, l.Metadata?.ResourceVersion); },
        (selector, rv, ct) => k.AppsV1.WatchListNamespacedStatefulSetAsync(ns, labelSelector: selector, resourceVersion: rv, timeoutSeconds: WatchSeconds, cancellationToken: ct));

    /// <summary>Events carry no labels: their selector is a field selector such as involvedObject.name=NAME.</summary>
    public static WatchedKind<Corev1Event> Events(IKubernetes k, string ns) => new("Event",
        async (fields, ct) => { var l = await k.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: fields, cancellationToken: ct); return (l.Items, l.Metadata?.ResourceVersion); },
        (fields, rv, ct) => k.CoreV1.WatchListNamespacedEventAsync(ns, fieldSelector: fields, resourceVersion: rv, timeoutSeconds: WatchSeconds, cancellationToken: ct));

    public static WatchedKind<V1Job> Jobs(IKubernetes k, string ns) => new("Job",
        async (selector, ct) => { var l = await k.BatchV1.ListNamespacedJobAsync(ns, labelSelector: selector, cancellationToken: ct); return (l.Items, l.Metadata?.ResourceVersion); },
        (selector, rv, ct) => k.BatchV1.WatchListNamespacedJobAsync(ns, labelSelector: selector, resourceVersion: rv, timeoutSeconds: WatchSeconds, cancellationToken: ct));
}
