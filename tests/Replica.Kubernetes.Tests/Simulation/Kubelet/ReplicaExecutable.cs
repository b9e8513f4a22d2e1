namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// Finds the built replica.dll that worker pods run. The copy beside the test assembly is not
/// usable as an application: the test project's ASP.NET Core framework reference (Kestrel hosts
/// the simulated API server) keeps some of replica's package dependencies out of the test folder.
/// So the replica project's own build output, built by the same build, comes first.
/// </summary>
public static class ReplicaExecutable
{
    public static string Locate()
    {
        var testFolder = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testFolder.Name;                 // net10.0
        var configuration = testFolder.Parent?.Name;     // Debug or Release
        for (var dir = testFolder; dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "replica.slnx"))) continue;
            var built = Path.Combine(dir.FullName, "src", "Replica", "bin", configuration ?? "Debug", framework, "replica.dll");
            if (File.Exists(built)) return built;
            break;
        }
        return Path.Combine(AppContext.BaseDirectory, "replica.dll");
    }
}
