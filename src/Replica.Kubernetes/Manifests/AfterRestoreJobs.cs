using System.Globalization;
using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// An after_restore command as a Job on the stack's image with the stack's environment (the Secret `database` and
/// stack.env_from_secrets, as the stack StatefulSet gets them), except that PGHOST and DATABASE_URL name the new
/// instance's own Service: during a side-by-side refresh the Service `database` still leads to the previous one.
/// Run as `sh -c COMMAND`, under the same Pod Security settings as the stack. (SQL steps run in the replica image:
/// <see cref="WorkerJobs.RunSql"/>.)
/// </summary>
public static class AfterRestoreJobs
{
    public static V1Job Command(ClusterTarget t, string run, int step, string imageTag, string command)
    {
        var stack = t.Stack!;
        var host = ObjectNames.DatabaseInstance(run);
        var envFrom = new List<V1EnvFromSource> { new() { SecretRef = new V1SecretEnvSource { Name = ObjectNames.DatabaseSecret } } };
        foreach (var secret in stack.EnvFromSecrets ?? [])
            envFrom.Add(new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = secret } });
        var port = ClusterTarget.DatabasePort.ToString(CultureInfo.InvariantCulture);
        var container = new V1Container
        {
            Name = WorkerJobs.Container,
            Image = $"{stack.Image}:{imageTag}",
            Command = ["sh", "-c", command],
            EnvFrom = envFrom,
            Env =
            [
                new V1EnvVar { Name = "REPLICA_TARGET", Value = t.Name },
                // Named here, before DATABASE_URL, so that $(PGPASSWORD) expands (the generated password is URL-safe).
                WorkerJobs.Password(),
                new V1EnvVar { Name = "PGHOST", Value = host },
                new V1EnvVar { Name = "PGPORT", Value = port },
                new V1EnvVar { Name = "DATABASE_URL", Value = $"postgresql://{ClusterTarget.DatabaseUser}:$(PGPASSWORD)@{host}:{port}/{Uri.EscapeDataString(t.DatabaseName)}" },
            ],
            SecurityContext = RestrictedPods.Container(readOnlyRoot: false),
            Resources = PodResourceLimits.For(t, PodResourceLimits.Stack),
        };
        return WorkerJobs.Job(t, run, ObjectNames.AfterRestoreJob(run, step), Components.AfterRestore, container,
            RestrictedPods.Pod(user: null), DatabaseWait.For(t, host: host), []);
    }
}
