using System.Text;
using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Controllers;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// Mounting, simulated: each volume of a pod becomes a local folder. PVCs map to their bound
/// folder, NFS to the folder a test registered for that export, emptyDir to a scratch folder,
/// Secrets and ConfigMaps to folders of files, hostPath to the path itself (this machine is the node).
/// </summary>
public sealed class PodVolumes(ObjectStore store, SimulationRules rules, VolumeFolders folders, string root)
{
    /// <summary>volume name → folder; throws <see cref="LaunchFailure"/> (FailedMount) when one cannot be mounted.</summary>
    public Dictionary<string, string> Mount(JsonObject pod)
    {
        var ns = pod.Namespace()!;
        var scratch = Path.Combine(root, "pods", pod.Uid()!);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in (pod["spec"]?["volumes"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var name = (string?)volume["name"] ?? "";
            string Fail(string why) => throw new LaunchFailure("FailedMount", "ContainerCreating", $"MountVolume.SetUp failed for volume \"{name}\" : {why}");
            if (volume["persistentVolumeClaim"] is JsonObject pvc)
                result[name] = folders.For(ns, (string?)pvc["claimName"] ?? "");
            else if (volume["nfs"] is JsonObject nfs)
            {
                var server = (string?)nfs["server"] ?? "";
                var path = (string?)nfs["path"] ?? "";
                var folder = rules.NfsFolder(server, path);
                if (folder is null || !Directory.Exists(folder))
                    Fail($"mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs {server}:{path}\nOutput: mount.nfs: access denied by server while mounting {server}:{path} (simulation: no folder registered with MapNfs for this export)");
                result[name] = folder!;
            }
            else if (volume["emptyDir"] is not null)
                result[name] = Directory.CreateDirectory(Path.Combine(scratch, "empty-dir", name)).FullName;
            else if (volume["secret"] is JsonObject secretSource)
                result[name] = WriteKeys(ResourceTypes.Secrets, ns, (string?)secretSource["secretName"] ?? "", secretSource, Path.Combine(scratch, "secret", name), decode: true, Fail);
            else if (volume["configMap"] is JsonObject mapSource)
                result[name] = WriteKeys(ResourceTypes.ConfigMaps, ns, (string?)mapSource["name"] ?? "", mapSource, Path.Combine(scratch, "configmap", name), decode: false, Fail);
            else if (volume["hostPath"] is JsonObject hostPath)
                result[name] = (string?)hostPath["path"] ?? "/";
            else
                Fail("simulation: this volume source is not simulated (supported: persistentVolumeClaim, nfs, emptyDir, secret, configMap, hostPath)");
        }
        return result;
    }

    private string WriteKeys(ResourceType type, string ns, string objectName, JsonObject source, string folder, bool decode, Func<string, string> fail)
    {
        var obj = store.Get(type, ns, objectName);
        if (obj is null)
        {
            if ((bool?)source["optional"] == true) return Directory.CreateDirectory(folder).FullName;
            fail($"{type.Kind.ToLowerInvariant()} \"{objectName}\" not found");
        }
        Directory.CreateDirectory(folder);
        foreach (var (key, value) in obj!["data"] as JsonObject ?? new JsonObject())
        {
            var bytes = decode ? Convert.FromBase64String((string?)value ?? "") : Encoding.UTF8.GetBytes((string?)value ?? "");
            File.WriteAllBytes(Path.Combine(folder, key), bytes);
        }
        return folder;
    }
}
