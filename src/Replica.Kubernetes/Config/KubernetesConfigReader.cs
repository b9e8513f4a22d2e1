using Replica.Core.Config;
using Replica.Core.Platforms;

namespace Replica.Kubernetes.Config;

/// <summary>The keys of replica.yaml the kubernetes platform owns, read with the file's line-numbered errors.</summary>
public static class KubernetesConfigReader
{
    public const string Section = "kubernetes";

    /// <summary>targets.NAME.kubernetes (required on a kubernetes target).</summary>
    public static KubernetesTargetSettings Target(YamlMap target)
    {
        var k = target.Map(Section)
            ?? throw target.Fail($"'{target.Path}.kubernetes' is missing", "give it { namespace: NAME } (and context, storage_class as needed)");
        k.AllowOnly("context", "namespace", "storage_class", "replica_image", "resources");
        return new KubernetesTargetSettings(k.String("context"), k.RequiredString("namespace", "name the target's namespace"), k.String("storage_class"), k.String("replica_image"),
            k.Map("resources") is { } r ? Resources(r) : null);
    }

    public static readonly string[] VolumeKeys = ["nfs", "pvc", "namespace"];
    public static readonly string[] VolumeHints = ["{ nfs: { server, path } }", "{ pvc: name, namespace: ns }"];

    /// <summary>{ nfs: { server, path } } or { pvc: NAME, namespace: NS }; null when neither is given.</summary>
    public static PlatformSource? Volume(YamlMap m)
    {
        if (m.Map("nfs") is { } nfs)
        {
            nfs.AllowOnly("server", "path");
            return new NfsVolume(nfs.RequiredString("server", "name the NFS server"), nfs.RequiredString("path", "name the exported path"));
        }
        return m.String("pvc") is { } pvc ? new PvcVolume(pvc, m.String("namespace")) : null;
    }

    public const string ImageTagHint = "kubernetes: { namespace, kind, name }";

    /// <summary>source.image_tag.kubernetes.</summary>
    public static ProductionWorkloadRef ImageTag(YamlMap k)
    {
        k.AllowOnly("namespace", "kind", "name", "container", "context");
        return new ProductionWorkloadRef(
            k.RequiredString("namespace", "name production's namespace"),
            k.String("kind") ?? "StatefulSet",
            k.RequiredString("name", "name production's stack workload"),
            k.String("container"),
            k.String("context"));
    }

    /// <summary>targets.X.kubernetes.resources.{database,workers,stack}.{requests,limits}.{cpu,memory,ephemeral-storage}: quantities as Kubernetes writes them.</summary>
    private static IReadOnlyDictionary<string, PodResources> Resources(YamlMap map)
    {
        map.AllowOnly(PodResources.Pods);
        var result = new Dictionary<string, PodResources>(StringComparer.Ordinal);
        foreach (var pod in PodResources.Pods)
        {
            if (map.Map(pod) is not { } p) continue;
            p.AllowOnly("requests", "limits");
            result[pod] = new PodResources(Quantities(p.Map("requests")), Quantities(p.Map("limits")));
        }
        return result;
    }

    private static IReadOnlyDictionary<string, string> Quantities(YamlMap? map)
    {
        if (map is null) return new Dictionary<string, string>();
        map.AllowOnly("cpu", "memory", "ephemeral-storage");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, node) in map.Entries)
        {
            var value = map.String(key) ?? "";
            if (!PodResources.IsQuantity(value))
                throw map.Error(node, $"'{map.Qualify(key)}' is '{value}', not a Kubernetes quantity", "write it like 500m, 2, 512Mi or 4Gi (no space)");
            result[key] = value;
        }
        return result;
    }
}
