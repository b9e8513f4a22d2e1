using System.Globalization;
using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// Jobs that run `replica worker …` in the replica image: the same engines as the local
/// platform, next to the volumes. Sources are mounted read-only.
/// </summary>
public static class WorkerJobs
{
    public const string Container = "worker";
    public const long RunAsUser = 10001; // the replica image's non-root user (see Dockerfile)

    /// <param name="run">the run that made the database instance the Job restores into (reached through the instance's own Service).</param>
    public static V1Job Restore(ClusterTarget t, string run, string backupPathInPod)
    {
        var name = ObjectNames.RestoreJob(run);
        var args = new List<string>
        {
            "worker", "restore-db",
            "--backup", backupPathInPod,
            "--host", ObjectNames.DatabaseInstance(run),
            "--port", ClusterTarget.DatabasePort.ToString(CultureInfo.InvariantCulture),
            "--user", ClusterTarget.DatabaseUser,
            "--database", t.DatabaseName,
            "--owner", t.DatabaseOwner,
            "--json",
        };
        return Job(t, run, name, Components.Restore, args,
            env: [new V1EnvVar { Name = "PGPASSWORD", ValueFrom = DatabaseManifests.FromSecret(DatabaseManifests.PasswordKey) }],
            mounts: [new V1VolumeMount { Name = "backups", MountPath = ClusterTarget.BackupsMount, ReadOnlyProperty = true }],
            volumes: [SourceVolumes.ReadOnly("backups", t.DatabaseBackups, t.Namespace, "database backups")]);
    }

    public static V1Job SyncMedia(ClusterTarget t, string run)
    {
        var name = ObjectNames.SyncMediaJob(run);
        string[] args = ["worker", "sync-media", "--source", ClusterTarget.MediaSourceMount, "--dest", ClusterTarget.MediaMount, "--json"];
        return Job(t, run, name, Components.SyncMedia, args, env: [],
            mounts:
            [
                new V1VolumeMount { Name = "media-backup", MountPath = ClusterTarget.MediaSourceMount, ReadOnlyProperty = true },
                new V1VolumeMount { Name = "media", MountPath = ClusterTarget.MediaMount },
            ],
            volumes:
            [
                SourceVolumes.ReadOnly("media-backup", t.MediaBackup, t.Namespace, "media backup"),
                new V1Volume { Name = "media", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = t.MediaClaim } },
            ]);
    }

    public static V1Job ListBackups(ClusterTarget t, string run)
    {
        string[] args = ["worker", "list-backups", "--root", ClusterTarget.BackupsMount, "--json"];
        return Job(t, run, ObjectNames.ListBackupsJob(run), Components.ListBackups, args, env: [],
            mounts: [new V1VolumeMount { Name = "backups", MountPath = ClusterTarget.BackupsMount, ReadOnlyProperty = true }],
            volumes: [SourceVolumes.ReadOnly("backups", t.DatabaseBackups, t.Namespace, "database backups")]);
    }

    private static V1Job Job(ClusterTarget t, string run, string name, string component, IList<string> args,
        IList<V1EnvVar> env, IList<V1VolumeMount> mounts, IList<V1Volume> volumes)
    {
        var labels = ReplicaLabels.For(t.Name, run, component);
        labels[ReplicaLabels.Job] = name;
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = t.Namespace, Labels = labels },
            Spec = new V1JobSpec
            {
                // A failed restore or sync is reported, not retried: a retry would hide the error and redo hours of work.
                BackoffLimit = 0,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = RunAsUser, RunAsGroup = RunAsUser, FsGroup = RunAsUser },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = Container,
                                Image = t.ReplicaImage,
                                // Not Always (the default for :latest): an image loaded into a kind or minikube node must do.
                                ImagePullPolicy = "IfNotPresent",
                                Command = ["replica"],
                                Args = args,
                                Env = env.Count == 0 ? null : env,
                                VolumeMounts = mounts,
                            },
                        ],
                        Volumes = volumes,
                    },
                },
            },
        };
    }
}
