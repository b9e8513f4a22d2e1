using System.Text;
using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// The defaults and system fields a real API server adds on create, for the fields client
/// code tends to read back (a Job's generated selector and `job-name` label, a Service's
/// clusterIP, a PVC's default storage class, a Secret's stringData folded into data).
/// </summary>
public sealed class Defaults(string defaultStorageClass)
{
    private int _nextClusterIp = 10;

    public void OnCreate(ResourceType type, JsonObject obj)
    {
        SpecDefaults(type, obj);
        switch (type.Kind)
        {
            case "Namespace": obj["status"] = new JsonObject { ["phase"] = "Active" }; break;
            case "Service":
                var spec = Obj(obj, "spec");
                if ((string?)spec["clusterIP"] is null or "")
                {
                    var n = Interlocked.Increment(ref _nextClusterIp);
                    spec["clusterIP"] = $"10.96.{n / 250}.{n % 250 + 1}";
                }
                if ((string?)spec["clusterIP"] != "None") spec["clusterIPs"] = new JsonArray((string?)spec["clusterIP"]);
                obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
                break;
            case "PersistentVolumeClaim":
                Obj(obj, "spec")["storageClassName"] ??= defaultStorageClass;
                obj["status"] = new JsonObject { ["phase"] = "Pending" };
                break;
            case "Pod": obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" }; break;
            case "StatefulSet": obj["status"] = new JsonObject { ["replicas"] = 0, ["availableReplicas"] = 0 }; break;
            case "Job": obj["status"] = new JsonObject(); break;
        }
    }

    /// <summary>Defaults a PUT or PATCH result gets too, so comparing it with the stored object is fair.</summary>
    public static void OnUpdate(ResourceType type, JsonObject current, JsonObject updated)
    {
        SpecDefaults(type, updated);
        if (type.Kind == "Service" && (string?)updated["spec"]?["clusterIP"] is null or "")
        {
            // Since Kubernetes 1.20 an update without clusterIP keeps the allocated one.
            Obj(updated, "spec")["clusterIP"] = current["spec"]?["clusterIP"]?.DeepClone();
            Obj(updated, "spec")["clusterIPs"] = current["spec"]?["clusterIPs"]?.DeepClone();
        }
        if (type.Kind == "PersistentVolumeClaim")
        {
            Obj(updated, "spec")["storageClassName"] ??= current["spec"]?["storageClassName"]?.DeepClone();
            Obj(updated, "spec")["volumeName"] ??= current["spec"]?["volumeName"]?.DeepClone();
        }
    }

    private static void SpecDefaults(ResourceType type, JsonObject obj)
    {
        switch (type.Kind)
        {
            case "Namespace":
                obj.Metadata()["labels"] ??= new JsonObject();
                obj.Metadata()["labels"]!["kubernetes.io/metadata.name"] = obj.Name();
                obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                break;
            case "Service":
                var spec = Obj(obj, "spec");
                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                foreach (var port in (spec["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    port["protocol"] ??= "TCP";
                    port["targetPort"] ??= port["port"]?.DeepClone();
                }
                break;
            case "PersistentVolumeClaim":
                Obj(obj, "spec")["volumeMode"] ??= "Filesystem";
                break;
            case "Pod":
                PodSpec(Obj(obj, "spec"));
                break;
            case "StatefulSet":
                var sts = Obj(obj, "spec");
                sts["replicas"] ??= 1;
                sts["podManagementPolicy"] ??= "OrderedReady";
                sts["revisionHistoryLimit"] ??= 10;
                sts["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } };
                sts["persistentVolumeClaimRetentionPolicy"] ??= new JsonObject { ["whenDeleted"] = "Retain", ["whenScaled"] = "Retain" };
                if (sts["template"]?["spec"] is JsonObject stsPod) PodSpec(stsPod);
                break;
            case "Job":
                JobDefaults(obj);
                break;
        }
        FoldSecretStringData(type, obj);
    }

    private static void FoldSecretStringData(ResourceType type, JsonObject obj)
    {
        if (type.Kind != "Secret") return;
        obj["type"] ??= "Opaque";
        if (obj["stringData"] is not JsonObject stringData) return;
        var data = Obj(obj, "data");
        foreach (var (k, v) in stringData)
            data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string?)v ?? ""));
        obj.Remove("stringData");
    }

    private static void JobDefaults(JsonObject job)
    {
        var spec = Obj(job, "spec");
        spec["backoffLimit"] ??= 6;
        spec["completions"] ??= 1;
        spec["parallelism"] ??= 1;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["podReplacementPolicy"] ??= "TerminatingOrFailed";
        var uid = job.Uid()!;
        var name = job.Name()!;
        if ((bool?)spec["manualSelector"] != true)
            spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
        var template = Obj(spec, "template");
        var labels = Obj(Obj(template, "metadata"), "labels");
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
        if (template["spec"] is JsonObject podSpec) PodSpec(podSpec);
    }

    private static void PodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["schedulerName"] ??= "default-scheduler";
        spec["serviceAccountName"] ??= "default";
        spec["securityContext"] ??= new JsonObject();
        foreach (var c in (spec["containers"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var image = (string?)c["image"] ?? "";
            c["imagePullPolicy"] ??= image.Contains(':') && !image.EndsWith(":latest", StringComparison.Ordinal) ? "IfNotPresent" : "Always";
            c["terminationMessagePath"] ??= "/dev/termination-log";
            c["terminationMessagePolicy"] ??= "File";
        }
    }

    private static JsonObject Obj(JsonObject parent, string field)
    {
        if (parent[field] is JsonObject o) return o;
        var created = new JsonObject();
        parent[field] = created;
        return created;
    }
}
