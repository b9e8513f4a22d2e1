using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// What the database and the stack workloads share: one replica behind a Service of the same
/// name, everything labelled with target, run and component, selectors without the run.
/// </summary>
public static class Workloads
{
    public static V1StatefulSet SingleReplica(string name, ClusterTarget t, string run, string component, V1PodSpec pod) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = Meta(name, t, run, component),
        Spec = new V1StatefulSetSpec
        {
            Replicas = 1,
            ServiceName = name,
            Selector = new V1LabelSelector { MatchLabels = Selector(t, component) },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = ReplicaLabels.For(t.Name, run, component) },
                Spec = pod,
            },
        },
    };

    /// <summary>Selectors leave out the run, so a Service keeps working across runs of the same target.</summary>
    public static Dictionary<string, string> Selector(ClusterTarget t, string component) => new()
    {
        [ReplicaLabels.Target] = t.Name,
        [ReplicaLabels.Component] = component,
    };

    public static V1ObjectMeta Meta(string name, ClusterTarget t, string run, string component) => new()
    {
        Name = name,
        NamespaceProperty = t.Namespace,
        Labels = ReplicaLabels.For(t.Name, run, component),
    };
}
