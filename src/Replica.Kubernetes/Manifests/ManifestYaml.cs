using k8s;

namespace Replica.Kubernetes.Manifests;

/// <summary>Objects as one multi-document YAML stream, the form `kubectl apply -f` reads.</summary>
public static class ManifestYaml
{
    public static string Write(IEnumerable<object> objects, string? header = null)
    {
        var w = new System.Text.StringBuilder();
        if (header is not null)
            foreach (var line in header.Split('\n'))
                w.Append("# ").Append(line).Append('\n');
        var first = true;
        foreach (var o in objects)
        {
            if (!first || header is not null) w.Append("---\n");
            first = false;
            var yaml = KubernetesYaml.Serialize(o).Replace("\r\n", "\n");
            w.Append(yaml);
            if (!yaml.EndsWith('\n')) w.Append('\n');
        }
        return w.ToString();
    }
}
