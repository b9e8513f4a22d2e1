using System.Text;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// Writes a kubeconfig whose contexts point at simulated clusters (plain HTTP, or HTTPS with the
/// simulation's certificate as certificate-authority-data) with a bearer token, so code under test
/// loads it exactly as it would a real one
/// (KubernetesClientConfiguration.BuildConfigFromConfigFile).
/// </summary>
public static class Kubeconfig
{
    public static void Write(string path, string currentContext, IEnumerable<(string Context, SimulatedCluster Cluster, string? Namespace)> contexts)
    {
        var list = contexts.ToList();
        var yaml = new StringBuilder();
        yaml.AppendLine("apiVersion: v1");
        yaml.AppendLine("kind: Config");
        yaml.AppendLine("preferences: {}");
        yaml.AppendLine($"current-context: {Quote(currentContext)}");
        yaml.AppendLine("clusters:");
        foreach (var (context, cluster, _) in list)
        {
            yaml.AppendLine($"- name: {Quote(context)}");
            yaml.AppendLine("  cluster:");
            yaml.AppendLine($"    server: {Quote(cluster.Server.ToString().TrimEnd('/'))}");
            if (cluster.Certificate is { } certificate)
                yaml.AppendLine($"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(Api.ServingCertificate.Pem(certificate)))}");
        }
        yaml.AppendLine("users:");
        foreach (var (context, cluster, _) in list)
        {
            yaml.AppendLine($"- name: {Quote(context)}");
            yaml.AppendLine("  user:");
            yaml.AppendLine($"    token: {Quote(cluster.Token)}");
        }
        yaml.AppendLine("contexts:");
        foreach (var (context, _, ns) in list)
        {
            yaml.AppendLine($"- name: {Quote(context)}");
            yaml.AppendLine("  context:");
            yaml.AppendLine($"    cluster: {Quote(context)}");
            yaml.AppendLine($"    user: {Quote(context)}");
            if (ns is not null) yaml.AppendLine($"    namespace: {Quote(ns)}");
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, yaml.ToString());
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
