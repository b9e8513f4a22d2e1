using k8s.Models;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>Small manifests the simulation's own tests build on.</summary>
public static class Samples
{
    public static V1StatefulSet StatefulSet(string name, string image, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = name,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container { Name = name, Image = image, Ports = [new V1ContainerPort { ContainerPort = 80 }] }],
                },
            },
        },
    };

    public static V1Job Job(string name, IList<string> command, IList<string>? args = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["replica/step"] = name } },
        Spec = new V1JobSpec
        {
            BackoffLimit = 0,
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["replica/step"] = name } },
                Spec = new V1PodSpec
                {
                    RestartPolicy = "Never",
                    Containers = [new V1Container { Name = "worker", Image = "replica:test", Command = command, Args = args }],
                },
            },
        },
    };
}
