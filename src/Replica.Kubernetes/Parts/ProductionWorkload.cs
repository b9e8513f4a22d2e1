using k8s;
using k8s.Models;
using Replica.Core;
using Replica.Kubernetes.Config;
using Replica.Kubernetes.Cluster;

namespace Replica.Kubernetes.Parts;

/// <summary>Reads production's image tag from its running workload. Only ever reads: nothing is written in production's namespace.</summary>
public static class ProductionWorkload
{
    public static async Task<string?> ReadImageTagAsync(IKubernetes k, ProductionWorkloadRef w, CancellationToken ct)
    {
        var where = $"{w.Kind} {w.Namespace}/{w.Name}";
        V1PodTemplateSpec? template = w.Kind.ToLowerInvariant() switch
        {
            "statefulset" => (await ApiErrors.OrNull(() => k.AppsV1.ReadNamespacedStatefulSetAsync(w.Name, w.Namespace, cancellationToken: ct)))?.Spec.Template,
            "deployment" => (await ApiErrors.OrNull(() => k.AppsV1.ReadNamespacedDeploymentAsync(w.Name, w.Namespace, cancellationToken: ct)))?.Spec.Template,
            "daemonset" => (await ApiErrors.OrNull(() => k.AppsV1.ReadNamespacedDaemonSetAsync(w.Name, w.Namespace, cancellationToken: ct)))?.Spec.Template,
            _ => throw new RefusedException($"source.image_tag.kubernetes.kind is '{w.Kind}'; write StatefulSet, Deployment or DaemonSet."),
        };
        if (template is null)
            throw new RefusedException($"Production's {where} does not exist; fix source.image_tag.kubernetes in replica.yaml (kind, namespace, name).");
        var containers = template.Spec.Containers;
        var container = w.Container is null ? containers.FirstOrDefault() : containers.FirstOrDefault(c => c.Name == w.Container);
        if (container is null)
            throw new RefusedException($"Production's {where} has no container '{w.Container}' (it has {string.Join(", ", containers.Select(c => c.Name))}); fix source.image_tag.kubernetes.container.");
        return ImageReference.Tag(container.Image);
    }
}
