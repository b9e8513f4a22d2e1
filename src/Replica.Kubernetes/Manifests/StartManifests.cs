using k8s;
using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// Every object a start run applies, in order. The platform creates them one step at a time;
/// `replica render start` prints them all, with the password as a placeholder.
/// </summary>
public static class StartManifests
{
    public const string PasswordPlaceholder = "REPLACE-WITH-A-GENERATED-PASSWORD";

    /// <summary>
    /// In the order a run creates them: the database instance of the run beside any running one,
    /// its restore, the media, then the switch (the Service `database` selecting the new instance)
    /// and the stack.
    /// </summary>
    /// <param name="masked">the target has a masking profile: its Secret (a placeholder here) and the restore Job's mount of it.</param>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Build(ClusterTarget t, string run, string imageTag, string backupPathInPod, bool dbOnly, bool masked = false)
    {
        var list = new List<IKubernetesObject<V1ObjectMeta>>
        {
            NamespaceManifest.For(t, run),
            DatabaseManifests.Secret(t, run, PasswordPlaceholder),
            DatabaseManifests.Claim(t, run),
            DatabaseManifests.StatefulSet(t, run),
            DatabaseManifests.Service(t, run),
        };
        if (masked) list.Add(MaskingManifests.Secret(t, run, MaskingManifests.Placeholder));
        list.Add(WorkerJobs.Restore(t, run, backupPathInPod, masked));
        if (t.HasStack || !dbOnly) list.Add(MediaManifests.Claim(t, run));
        if (!dbOnly) list.Add(WorkerJobs.SyncMedia(t, run));
        list.Add(DatabaseManifests.AccessService(t, run, run));
        if (t.HasStack)
        {
            list.Add(StackManifests.StatefulSet(t, run, imageTag));
            list.Add(StackManifests.Service(t, run));
        }
        return list;
    }
}
