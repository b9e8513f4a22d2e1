namespace Replica.Kubernetes.Config;

/// <summary>A pod's resource requests and limits (cpu, memory, ephemeral-storage), as quantities such as 500m or 4Gi.</summary>
public sealed record PodResources(IReadOnlyDictionary<string, string> Requests, IReadOnlyDictionary<string, string> Limits)
{
    public static readonly string[] Pods = ["database", "workers", "stack"];

    /// <summary>Kubernetes' quantity syntax: a number with an optional SI or binary suffix or exponent, no spaces.</summary>
    public static bool IsQuantity(string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, @"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$");
}
