using Replica.Postgres.Instances;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// Runs a real PostgreSQL for pods of the official `postgres` image, the way that image would:
/// superuser from POSTGRES_USER (default postgres), password from POSTGRES_PASSWORD (required, as
/// the image requires it), POSTGRES_DB created on first start, data in PGDATA (or the first volume
/// mount), an existing data directory reused. The pod is Ready once the server accepts connections, and Services selecting the pod
/// lead to it. The server stops when the pod goes.
/// </summary>
public static class SimulatedPostgres
{
    public static void RunPostgres(this SimulatedCluster cluster, Func<SimulatedPod, bool>? match = null) =>
        cluster.OnPodStart(match ?? (p => p.Image.StartsWith("postgres:", StringComparison.Ordinal) || p.Image == "postgres"), StartAsync);

    private static async Task<IAsyncDisposable?> StartAsync(SimulatedPod pod, CancellationToken ct)
    {
        var instance = await StartServerAsync(pod, ct);
        pod.Serve("127.0.0.1", instance.Port);
        return new Running(instance);
    }

    /// <summary>
    /// The image's start-up for this pod: a new server on a fresh volume, the existing one on a volume
    /// that holds one (a restarted pod finds its data). The caller serves it and stops it with the pod.
    /// </summary>
    public static async Task<PostgresInstance> StartServerAsync(SimulatedPod pod, CancellationToken ct)
    {
        var password = pod.Environment.GetValueOrDefault("POSTGRES_PASSWORD");
        if (string.IsNullOrEmpty(password))
            throw new InvalidOperationException("Error: Database is uninitialized and superuser password is not specified (POSTGRES_PASSWORD).");
        var user = pod.Environment.GetValueOrDefault("POSTGRES_USER") is { Length: > 0 } u ? u : "postgres";
        var dataDir = pod.Environment.GetValueOrDefault("PGDATA") is { Length: > 0 } pgdata && Path.IsPathRooted(pgdata) && !pgdata.StartsWith("/var/lib/postgresql", StringComparison.Ordinal)
            ? pgdata
            : pod.Mounts.Values.FirstOrDefault() ?? throw new InvalidOperationException("the postgres container has no volume mount for its data");

        var options = new PostgresInstanceOptions(dataDir, PostgresInstance.FindFreePort(), user, password);
        PostgresInstance instance;
        if (File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            pod.Log("PostgreSQL Database directory appears to contain a database; Skipping initialization");
            instance = PostgresInstance.Open(options);
            await instance.StartAsync(ct);
        }
        else
        {
            instance = await PostgresInstance.CreateAsync(options, ct);
            // The official image creates POSTGRES_DB (owned by the superuser) on first initialisation only.
            if (pod.Environment.GetValueOrDefault("POSTGRES_DB") is { Length: > 0 } database && database != user)
                await CreateDatabaseAsync(instance, database, ct);
        }
        pod.Log($"database system is ready to accept connections (simulation: a real PostgreSQL on 127.0.0.1:{instance.Port}, data in {dataDir})");
        return instance;
    }

    private static async Task CreateDatabaseAsync(PostgresInstance instance, string database, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(instance.ConnectionString());
        await connection.OpenAsync(ct);
        var quoted = "\"" + database.Replace("\"", "\"\"") + "\"";
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    private sealed class Running(PostgresInstance instance) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await instance.StopAsync(CancellationToken.None);
    }
}
