using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Api;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Admission;

/// <summary>
/// Pod Security admission as a real API server runs it on pod creation: the namespace's label
/// `pod-security.kubernetes.io/enforce` (baseline or restricted) refuses pods that break that
/// level with 403 Forbidden and the real message (`violates PodSecurity "restricted:latest": …`).
/// Controllers creating pods (Job, StatefulSet) then record FailedCreate events and create none.
/// The checks are those of the two levels that a pod replica creates could fail.
/// </summary>
public static class PodSecurityAdmission
{
    public const string EnforceLabel = "pod-security.kubernetes.io/enforce";

    private static readonly HashSet<string> RestrictedVolumeTypes = new(StringComparer.Ordinal)
    {
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
    };

    private static readonly HashSet<string> BaselineCapabilities = new(StringComparer.Ordinal)
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    };

    public static void OnCreate(ObjectStore store, string ns, JsonObject pod)
    {
        var level = ObjectMeta.StringMap(store.Get(ResourceTypes.Namespaces, "", ns)?["metadata"]?["labels"]).GetValueOrDefault(EnforceLabel);
        if (level is not ("baseline" or "restricted")) return;
        var violations = Violations(pod["spec"] as JsonObject ?? new JsonObject(), level);
        if (violations.Count == 0) return;
        var name = pod.Name() ?? "";
        throw new ApiException(403, "Forbidden",
            $"pods \"{name}\" is forbidden: violates PodSecurity \"{level}:latest\": {string.Join(", ", violations)}",
            new JsonObject { ["name"] = name, ["kind"] = "pods" });
    }

    /// <summary>What a pod spec breaks at this level ("baseline" or "restricted"), worded as the real admission words it.</summary>
    public static List<string> Violations(JsonObject spec, string level)
    {
        var result = new List<string>();
        var containers = Containers(spec).ToList();
        var podContext = spec["securityContext"] as JsonObject;

        // baseline
        var hostNamespaces = new[] { "hostNetwork", "hostPID", "hostIPC" }.Where(f => (bool?)spec[f] == true).ToList();
        if (hostNamespaces.Count > 0) result.Add($"host namespaces ({string.Join(", ", hostNamespaces.Select(f => f + "=true"))})");
        var privileged = containers.Where(c => (bool?)c["securityContext"]?["privileged"] == true).ToList();
        if (privileged.Count > 0) result.Add($"privileged ({Names(privileged)} must not set securityContext.privileged=true)");
        var volumes = (spec["volumes"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var hostPaths = volumes.Where(v => v["hostPath"] is not null).ToList();
        if (hostPaths.Count > 0) result.Add($"hostPath volumes ({Quoted("volume", hostPaths.Select(v => (string?)v["name"] ?? ""))})");
        var added = containers.Where(c => Added(c).Any(a => !BaselineCapabilities.Contains(a))).ToList();
        if (added.Count > 0) result.Add($"non-default capabilities ({Names(added)} must not include {string.Join(", ", added.SelectMany(Added).Where(a => !BaselineCapabilities.Contains(a)).Distinct().Select(a => $"\"{a}\""))} in securityContext.capabilities.add)");
        if (level == "baseline") return result;

        // restricted
        var escalating = containers.Where(c => (bool?)c["securityContext"]?["allowPrivilegeEscalation"] != false).ToList();
        if (escalating.Count > 0) result.Add($"allowPrivilegeEscalation != false ({Names(escalating)} must set securityContext.allowPrivilegeEscalation=false)");
        var capable = containers.Where(c => !((c["securityContext"]?["capabilities"]?["drop"] as JsonArray)?.Any(d => (string?)d == "ALL") ?? false)
                                            || Added(c).Any(a => a != "NET_BIND_SERVICE")).ToList();
        if (capable.Count > 0) result.Add($"unrestricted capabilities ({Names(capable)} must set securityContext.capabilities.drop=[\"ALL\"])");
        var restrictedVolumes = volumes.Select(v => (Name: (string?)v["name"] ?? "", Type: v.Select(p => p.Key).FirstOrDefault(k => k != "name") ?? ""))
            .Where(v => !RestrictedVolumeTypes.Contains(v.Type)).ToList();
        if (restrictedVolumes.Count > 0)
            result.Add($"restricted volume types ({string.Join(", ", restrictedVolumes.Select(v => $"volume \"{v.Name}\" uses restricted volume type \"{v.Type}\""))})");
        var podNonRoot = (bool?)podContext?["runAsNonRoot"];
        var rootish = containers.Where(c => ((bool?)c["securityContext"]?["runAsNonRoot"] ?? podNonRoot) != true).ToList();
        if (podNonRoot == false || rootish.Count > 0)
            result.Add($"runAsNonRoot != true (pod or {Names(rootish.Count > 0 ? rootish : containers)} must set securityContext.runAsNonRoot=true)");
        if ((long?)podContext?["runAsUser"] == 0) result.Add("runAsUser=0 (pod must not set runAsUser=0)");
        var rootUsers = containers.Where(c => (long?)c["securityContext"]?["runAsUser"] == 0).ToList();
        if (rootUsers.Count > 0) result.Add($"runAsUser=0 ({Names(rootUsers)} must not set runAsUser=0)");
        var podSeccomp = (string?)podContext?["seccompProfile"]?["type"];
        var unconfined = containers.Where(c => ((string?)c["securityContext"]?["seccompProfile"]?["type"] ?? podSeccomp) is not ("RuntimeDefault" or "Localhost")).ToList();
        if (unconfined.Count > 0)
            result.Add($"seccompProfile (pod or {Names(unconfined)} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
        return result;
    }

    private static IEnumerable<JsonObject> Containers(JsonObject spec) =>
        new[] { "initContainers", "containers", "ephemeralContainers" }
            .SelectMany(f => (spec[f] as JsonArray)?.OfType<JsonObject>() ?? []);

    private static IEnumerable<string> Added(JsonObject c) =>
        (c["securityContext"]?["capabilities"]?["add"] as JsonArray)?.Select(a => (string?)a ?? "") ?? [];

    private static string Names(IReadOnlyCollection<JsonObject> containers) =>
        Quoted("container", containers.Select(c => (string?)c["name"] ?? ""));

    /// <summary>`container "a"` or `containers "a", "b"`, as the real messages say.</summary>
    private static string Quoted(string noun, IEnumerable<string> names)
    {
        var list = names.ToList();
        return $"{noun}{(list.Count == 1 ? "" : "s")} {string.Join(", ", list.Select(n => $"\"{n}\""))}";
    }
}
