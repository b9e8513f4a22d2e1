using Replica.Postgres.Instances;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// Runs a real PostgreSQL for pods of the official `postgres` image, the way that image would:
/// superuser from POSTGRES_USER (default postgres), password from POSTGRES_PASSWORD (required, as
/// the image requires it), POSTGRES_DB created on first start, data in PGDATA (or the first volume
/// mount), an existing data directory reused, the container's `postgres -c name=value …` arguments given to the
/// server's command line (for that run of the server only, as the image's entrypoint does). The pod is Ready once the server accepts connections, and Services selecting the pod
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
    /// <param name="imageSettings">settings the image's own configuration would add (a postgresql.conf baked into it); the command line wins over them.</param>
    public static async Task<PostgresInstance> StartServerAsync(SimulatedPod pod, CancellationToken ct, IReadOnlyDictionary<string, string>? imageSettings = null)
    {
        var settings = new Dictionary<string, string>(imageSettings ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in CommandLineSettings(pod.Command)) settings[name] = value;
        var password = pod.Environment.GetValueOrDefault("POSTGRES_PASSWORD");
        if (string.IsNullOrEmpty(password))
            throw new InvalidOperationException("Error: Database is uninitialized and superuser password is not specified (POSTGRES_PASSWORD).");
        var user = pod.Environment.GetValueOrDefault("POSTGRES_USER") is { Length: > 0 } u ? u : "postgres";
        var dataDir = pod.Environment.GetValueOrDefault("PGDATA") is { Length: > 0 } pgdata && Path.IsPathRooted(pgdata) && !pgdata.StartsWith("/var/lib/postgresql", StringComparison.Ordinal)
            ? pgdata
            : pod.Mounts.Values.FirstOrDefault() ?? throw new InvalidOperationException("the postgres container has no volume mount for its data");

        var options = new PostgresInstanceOptions(dataDir, PostgresInstance.FindFreePort(), user, password) { CommandLineSettings = settings };
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
        pod.Log($"database system is ready to accept connections (simulation: a real PostgreSQL on 127.0.0.1:{instance.Port}, data in {dataDir}"
                + (settings.Count == 0 ? ")" : $", started with {string.Join(' ', settings.Select(s => $"-c {s.Key}={s.Value}"))})"));
        return instance;
    }

    /// <summary>
    /// The container's command line as the image's entrypoint takes it: empty (the image's default, `postgres`) or
    /// `postgres` followed by server options, which go to the server's command line (and to the image's first-start
    /// temporary server): `-c name=value` and `--name=value`. Anything else is not simulated and fails the pod.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CommandLineSettings(IReadOnlyList<string> command)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (command.Count == 0) return settings;
        if (command[0] != "postgres")
            throw new InvalidOperationException($"simulation: the postgres image is simulated only for `postgres [-c name=value …]`, not `{string.Join(' ', command)}`");
        for (int i = 1; i < command.Count; i++)
        {
            var setting = command[i] == "-c" && i + 1 < command.Count ? command[++i]
                : command[i].StartsWith("--", StringComparison.Ordinal) ? command[i][2..]
                : throw new InvalidOperationException($"simulation: postgres option '{command[i]}' is not simulated (only -c name=value and --name=value)");
            var eq = setting.IndexOf('=');
            if (eq <= 0) throw new InvalidOperationException($"simulation: postgres option '{setting}' has no value (write name=value)");
            settings[setting[..eq].Replace('-', '_')] = setting[(eq + 1)..];
        }
        return settings;
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
