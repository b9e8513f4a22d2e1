namespace Replica.Kubernetes.Tests.Simulation.Store;

/// <summary>One kind of object the simulated API server serves, as the URL names it.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatus)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string ListKind => Kind + "List";

    /// <summary>How error messages name the resource: `pods`, `statefulsets.apps`.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Whether `metadata.generation` tracks spec changes (workload controllers read it).</summary>
    public bool HasGeneration => Kind is "StatefulSet" or "Job" or "Deployment" or "DaemonSet";

    public override string ToString() => QualifiedPlural;
}

/// <summary>The resources replica uses; anything else is answered 404 like an unknown resource.</summary>
public static class ResourceTypes
{
    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false, HasStatus: true);
    public static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret", true, false);
    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true, false);
    public static readonly ResourceType Services = new("", "v1", "services", "Service", true, true);
    public static readonly ResourceType Pvcs = new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, true);
    public static readonly ResourceType Pods = new("", "v1", "pods", "Pod", true, true);
    public static readonly ResourceType Events = new("", "v1", "events", "Event", true, false);
    public static readonly ResourceType ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount", true, false);
    public static readonly ResourceType StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet", true, true);
    public static readonly ResourceType Jobs = new("batch", "v1", "jobs", "Job", true, true);
    // Stored and served so a production workload of these kinds can be read (its image tag);
    // no simulated controller runs them.
    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment", true, true);
    public static readonly ResourceType DaemonSets = new("apps", "v1", "daemonsets", "DaemonSet", true, true);

    public static readonly IReadOnlyList<ResourceType> All =
        [Namespaces, Secrets, ConfigMaps, Services, Pvcs, Pods, Events, ServiceAccounts, StatefulSets, Jobs, Deployments, DaemonSets];

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);
}
