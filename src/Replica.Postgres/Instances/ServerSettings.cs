namespace Replica.Postgres.Instances;

/// <summary>
/// The server settings replica writes; bulk-load ones trade crash safety for speed on an instance nobody else uses yet.
/// Public so that every platform starts its bulk-load server with this one list (the kubernetes platform gives it as the
/// database container's `postgres -c …` arguments).
/// </summary>
public static class ServerSettings
{
    public const string FileName = "replica.conf";

    public static string Base(int port) => $"""
        # Written by replica. Only loopback TCP; no unix socket (its path length is limited and nothing needs it).
        listen_addresses = '127.0.0.1'
        port = {port}
        unix_socket_directories = ''
        password_encryption = 'scram-sha-256'
        max_wal_size = '4GB'
        logging_collector = off

        """;

    /// <summary>
    /// Given on the server's command line (pg_ctl -o "-c name=value …") for one run of the server only, so a
    /// plain start brings back the durable settings of the base file and nothing has to be reset.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> BulkLoad = new Dictionary<string, string>
    {
        ["fsync"] = "off",
        ["synchronous_commit"] = "off",
        ["full_page_writes"] = "off",
        // minimal WAL lets COPY into a table created or truncated in the same transaction skip WAL entirely.
        ["wal_level"] = "minimal",
        ["max_wal_senders"] = "0",
        ["archive_mode"] = "off",
        ["autovacuum"] = "off",
        ["checkpoint_timeout"] = "1h",
        ["max_wal_size"] = "16GB",
        ["maintenance_work_mem"] = "512MB",
        ["max_parallel_maintenance_workers"] = "2",
        ["wal_buffers"] = "64MB",
    };

    public static string BulkLoadArguments => Arguments(BulkLoad);

    /// <summary>`-c name=value …` for pg_ctl -o (which hands it to a shell); values with other characters than these are single-quoted.</summary>
    public static string Arguments(IEnumerable<KeyValuePair<string, string>> settings) =>
        string.Join(' ', settings.Select(s => $"-c {s.Key}={Quote(s.Value)}"));

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/' or ':')
            ? value
            : "'" + value.Replace("'", "'\\''") + "'";
}
