namespace Replica.Postgres.Instances;

/// <summary>An instance that cannot be created, started or stopped; the message is one sentence naming the data directory.</summary>
public sealed class PostgresInstanceException(string message, Exception? inner = null) : Exception(message, inner);
