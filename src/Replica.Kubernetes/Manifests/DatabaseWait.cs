using System.Globalization;
using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// An init container that holds a pod until the database Service answers, so that the manifests
/// applied all at once (`replica render start | kubectl apply -f -`) still run in order: the
/// restore Job starts loading only once the new server accepts connections. It runs the database
/// image, which has pg_isready, under the same restricted settings as the database pod.
/// </summary>
public static class DatabaseWait
{
    public const string Container = "wait-for-database";

    /// <param name="database">also wait until this database exists and the server runs durable (the stack needs the restored, handed-over one, not just a server).</param>
    /// <param name="host">the Service to wait for; default the stable `database` Service (a restore waits for its own instance's).</param>
    public static V1Container For(ClusterTarget t, string? database = null, string? host = null)
    {
        var script = database is null
            ? "until pg_isready --quiet; do echo 'waiting for the database service'; sleep 2; done"
            // Durable too: applied by hand (render), the instance runs with bulk-load settings until it is handed over.
            : "until pg_isready --quiet && [ \"$(psql -tAc \"select 1 from pg_database where datname = '$WAIT_FOR_DATABASE'\" postgres)\" = 1 ] && [ \"$(psql -tAc 'show fsync' postgres)\" = on ]; do echo \"waiting for database $WAIT_FOR_DATABASE, handed over durable (fsync on)\"; sleep 2; done";
        var env = new List<V1EnvVar>
        {
            new() { Name = "PGHOST", Value = host ?? t.DatabaseHost },
            new() { Name = "PGPORT", Value = ClusterTarget.DatabasePort.ToString(CultureInfo.InvariantCulture) },
            new() { Name = "PGUSER", Value = ClusterTarget.DatabaseUser },
            new() { Name = "PGCONNECT_TIMEOUT", Value = "2" },
        };
        if (database is not null)
        {
            env.Add(new V1EnvVar { Name = "PGPASSWORD", ValueFrom = DatabaseManifests.FromSecret(DatabaseManifests.PasswordKey) });
            env.Add(new V1EnvVar { Name = "WAIT_FOR_DATABASE", Value = database });
        }
        return new V1Container
        {
            Name = Container,
            Image = t.DatabaseImage,
            ImagePullPolicy = "IfNotPresent",
            Command = ["sh", "-c", script],
            Env = env,
            // Runs as the image's postgres user whatever the pod's user is.
            SecurityContext = WithUser(RestrictedPods.Container(readOnlyRoot: true), RestrictedPods.PostgresUser),
        };
    }

    private static V1SecurityContext WithUser(V1SecurityContext c, long user)
    {
        c.RunAsUser = user;
        c.RunAsGroup = user;
        c.RunAsNonRoot = true;
        return c;
    }
}
