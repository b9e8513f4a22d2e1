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
    public const long RunAsUser = RestrictedPods.ReplicaUser;
    private const string Scratch = "tmp";

    /// <param name="run">the run that made the database instance the Job restores into (reached through the instance's own Service).</param>
    /// <param name="masked">the target has a masking profile: it is read from the Secret <see cref="MaskingManifests.Secret"/>, mounted as a file.</param>
    public static V1Job Restore(ClusterTarget t, string run, string backupPathInPod, bool masked = false)
    {
        var name = ObjectNames.RestoreJob(run);
        var args = new List<string> { "worker", "restore-db", "--backup", backupPathInPod };
        args.AddRange(Connection(run));
        args.AddRange(["--database", t.DatabaseName, "--owner", t.DatabaseOwner, "--json"]);
        var mounts = new List<V1VolumeMount> { new() { Name = "backups", MountPath = ClusterTarget.BackupsMount, ReadOnlyProperty = true } };
        var volumes = new List<V1Volume> { SourceVolumes.ReadOnly("backups", t.DatabaseBackups, t.Namespace, "database backups") };
        if (masked)
        {
            args.AddRange(["--masking-profile-file", MaskingManifests.ProfileFile]);
            mounts.Add(MaskingManifests.Mount());
            volumes.Add(MaskingManifests.Volume(run));
        }
        return Job(t, run, name, Components.Restore, args, waitFor: DatabaseWait.For(t, host: ObjectNames.DatabaseInstance(run)),
            env: [Password()], mounts: mounts, volumes: volumes);
    }

    /// <summary>`replica worker run-sql`: one after_restore SQL step in <paramref name="database"/> of the instance of <paramref name="run"/>.</summary>
    public static V1Job RunSql(ClusterTarget t, string run, int step, string database, string sql)
    {
        var args = new List<string> { "worker", "run-sql" };
        args.AddRange(Connection(run));
        // In the --name=value form: SQL may start with "--" (a comment), which would read as an option.
        args.AddRange(["--database", database, $"--sql={sql}", "--json"]);
        return Job(t, run, ObjectNames.AfterRestoreJob(run, step), Components.AfterRestore, args, waitFor: DatabaseWait.For(t, host: ObjectNames.DatabaseInstance(run)),
            env: [Password()], mounts: [], volumes: []);
    }

    /// <summary>
    /// `replica worker hand-over`: checks that the instance's restarted server runs with durable settings and
    /// checkpoints it, printing what it found (<see cref="Workers.Protocol.HandOverSummary"/>).
    /// </summary>
    public static V1Job HandOver(ClusterTarget t, string run)
    {
        var args = new List<string> { "worker", "hand-over" };
        args.AddRange(Connection(run));
        args.Add("--json");
        return Job(t, run, ObjectNames.HandOverJob(run), Components.HandOver, args, waitFor: DatabaseWait.For(t, host: ObjectNames.DatabaseInstance(run)),
            env: [Password()], mounts: [], volumes: []);
    }

    /// <summary>The instance of <paramref name="run"/>, through its own Service (the stable `database` Service may still select the previous one).</summary>
    internal static string[] Connection(string run) =>
    [
        "--host", ObjectNames.DatabaseInstance(run),
        "--port", ClusterTarget.DatabasePort.ToString(CultureInfo.InvariantCulture),
        "--user", ClusterTarget.DatabaseUser,
    ];

    internal static V1EnvVar Password() => new() { Name = "PGPASSWORD", ValueFrom = DatabaseManifests.FromSecret(DatabaseManifests.PasswordKey) };

    /// <param name="maxDeletePercent">the worker refuses a mirror that would delete more of the volume (media.max_delete_percent; 100 allows any).</param>
    public static V1Job SyncMedia(ClusterTarget t, string run, int maxDeletePercent = 50, bool allowEmptySource = false)
    {
        var name = ObjectNames.SyncMediaJob(run);
        var args = new List<string> { "worker", "sync-media", "--source", ClusterTarget.MediaSourceMount, "--dest", ClusterTarget.MediaMount, "--json",
            "--max-delete-percent", maxDeletePercent.ToString(CultureInfo.InvariantCulture) };
        if (allowEmptySource) args.Add("--allow-empty-source");
        return Job(t, run, name, Components.SyncMedia, args, waitFor: null, env: [],
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
        return Job(t, run, ObjectNames.ListBackupsJob(run), Components.ListBackups, args, waitFor: null, env: [],
            mounts: [new V1VolumeMount { Name = "backups", MountPath = ClusterTarget.BackupsMount, ReadOnlyProperty = true }],
            volumes: [SourceVolumes.ReadOnly("backups", t.DatabaseBackups, t.Namespace, "database backups")]);
    }

    private static V1Job Job(ClusterTarget t, string run, string name, string component, IList<string> args, V1Container? waitFor,
        IList<V1EnvVar> env, IList<V1VolumeMount> mounts, IList<V1Volume> volumes)
    {
        var worker = new V1Container
        {
            Name = Container,
            Image = t.ReplicaImage,
            // Not Always (the default for :latest): an image loaded into a kind or minikube node must do.
            ImagePullPolicy = "IfNotPresent",
            Command = ["replica"],
            Args = args,
            Env = env.Count == 0 ? null : env,
            VolumeMounts = [.. mounts, new V1VolumeMount { Name = Scratch, MountPath = "/tmp" }],
            SecurityContext = RestrictedPods.Container(readOnlyRoot: true),
            Resources = PodResourceLimits.For(t, PodResourceLimits.Workers),
        };
        // The worker writes only to its volumes; .NET may still want a temporary folder.
        return Job(t, run, name, component, worker, RestrictedPods.Pod(RunAsUser), waitFor, [.. volumes, RestrictedPods.Scratch(Scratch)]);
    }

    /// <summary>A Job of one container (named <see cref="Container"/>, where the platform reads the log), run once: its failure is reported, not retried.</summary>
    internal static V1Job Job(ClusterTarget t, string run, string name, string component, V1Container container, V1PodSecurityContext security,
        V1Container? waitFor, IList<V1Volume> volumes)
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
                        SecurityContext = security,
                        InitContainers = waitFor is null ? null : [waitFor],
                        Containers = [container],
                        Volumes = volumes.Count == 0 ? null : volumes,
                    },
                },
            },
        };
    }
}
