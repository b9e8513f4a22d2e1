namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>
/// A worker's progress at one moment, as it prints it under `--json`: one line on stderr,
/// <c>{"progress":{…}}</c>. Totals are null while unknown (a sync's walk still going on).
/// The platform turns each into the run's progress; the same fields as Core's ProgressUpdate, less the step.
/// </summary>
public sealed record WorkerProgress(
    string? Phase,
    string? Item,
    long BytesDone,
    long? BytesTotal,
    long FilesDone,
    long? FilesTotal,
    double BytesPerSecond);

/// <summary>The envelope of a progress line, so it cannot be taken for a summary or any other JSON.</summary>
public sealed record WorkerProgressLine(WorkerProgress Progress);
