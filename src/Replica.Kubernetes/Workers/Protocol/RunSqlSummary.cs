namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>What `replica worker run-sql --json` prints once the SQL has run (and committed) in the database: rows affected (-1: not a row count).</summary>
public sealed record RunSqlSummary(string Database, long Rows, double Seconds);
