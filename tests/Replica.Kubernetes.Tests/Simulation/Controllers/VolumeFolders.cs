namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>Where the simulation keeps the data of each bound PVC: `&lt;root&gt;/volumes/&lt;namespace&gt;/&lt;claim&gt;`.</summary>
public sealed class VolumeFolders(string root)
{
    public string For(string ns, string claim) => Path.Combine(root, "volumes", ns, claim);
}
