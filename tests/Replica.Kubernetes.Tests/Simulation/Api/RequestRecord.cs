namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// One request the simulated API server answered, so a test can assert what a platform did
/// (for example: nothing was written in the production namespace).
/// </summary>
public sealed record RequestRecord(string Method, string Path, string Query, string? Resource, string? Namespace, string? Name, int StatusCode)
{
    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";
    public override string ToString() => $"{Method} {Path}{Query} -> {StatusCode}";
}
