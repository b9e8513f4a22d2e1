namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>
/// What `replica worker flush-data --json` prints when it is stopped (SIGTERM, as when the hand-over replaces the
/// database pod): how often it flushed the volume's file system while the server loaded with fsync off.
/// </summary>
public sealed record FlushDataSummary(string Path, int Flushes, int Failures, double Seconds);
