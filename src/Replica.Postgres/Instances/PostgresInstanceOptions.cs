namespace Replica.Postgres.Instances;

/// <summary>Where a PostgreSQL instance lives and how to reach it.</summary>
public sealed record PostgresInstanceOptions(string DataDirectory, int Port, string Superuser, string Password)
{
    public string BinDirectory { get; init; } = "/usr/lib/postgresql/15/bin";

    /// <summary>The account the server runs as; null = "postgres" when running as root, else the current user.</summary>
    public string? RunAsUser { get; init; }

    /// <summary>
    /// Start a new instance (<see cref="PostgresInstance.CreateAsync"/>) with bulk-load settings already on: it is
    /// empty and nothing uses it until a restore hands it over with <see cref="PostgresInstance.UseDurableSettingsAsync"/>.
    /// Saves the restart that switching a running instance costs.
    /// </summary>
    public bool CreateForBulkLoad { get; init; }

    /// <summary>
    /// Where initdb's password file is written for the moment initdb runs (it must be readable by the
    /// server's account); null = beside the data directory. Never the shared temporary folder: a
    /// secret must not outlive a killed run anywhere but in the target's own folders.
    /// </summary>
    public string? PasswordFileDirectory { get; init; }

    /// <summary>
    /// Settings given on the server's command line at every start (`-c name=value`, after the bulk-load ones, so they
    /// win), as a container's `postgres -c …` arguments give them: for this run of the server only, never written to a file.
    /// </summary>
    public IReadOnlyDictionary<string, string>? CommandLineSettings { get; init; }

    /// <summary>Seconds to wait for the server to start or stop.</summary>
    public int StartTimeoutSeconds { get; init; } = 120;

    // The password is a secret: keep it out of ToString (records print every property).
    public override string ToString() =>
        $"PostgresInstanceOptions {{ DataDirectory = {DataDirectory}, Port = {Port}, Superuser = {Superuser}, BinDirectory = {BinDirectory}, RunAsUser = {RunAsUser} }}";
}
