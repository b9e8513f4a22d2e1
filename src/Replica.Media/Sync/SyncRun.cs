using System.Diagnostics;
using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// One sync from start to end: the pool of workers, the counters, and the run's state of
/// failure. A source error lets the run go on copying but forbids every later deletion (the
/// source view may be partial); a full disk or a cancellation stops the run.
/// </summary>
internal sealed class SyncRun
{
    private readonly string _sourceText;
    private readonly string _destinationText;
    private readonly IProgress<SyncProgress>? _progress;
    private readonly Action<string>? _warn;
    private readonly CancellationToken _cancellation;
    private readonly object _warnGate = new();
    private volatile bool _stopped;
    private Exception? _fatal;
    private int _errorCount;
    private string? _firstError;

    public SyncRun(string sourceText, string destinationText, SyncOptions options, IProgress<SyncProgress>? progress, Action<string>? warn, CancellationToken cancellation)
    {
        _sourceText = sourceText;
        _destinationText = destinationText;
        Options = options;
        _progress = progress;
        _warn = warn;
        _cancellation = cancellation;
        Queue = new WorkQueue(copyCapacity: Math.Max(16, options.EffectiveParallelism * 4));
    }

    public SyncOptions Options { get; }

    public SyncCounters Counters { get; } = new();

    public WorkQueue Queue { get; }

    /// <summary>Without privileges, read-only destination folders are made writable while they are filled.</summary>
    public bool Privileged { get; } = Environment.IsPrivilegedProcess;

    public bool Stopped => _stopped;

    public bool DeletionsAllowed => !_stopped && Volatile.Read(ref _errorCount) == 0;

    public SyncSummary Execute(DirectoryNode root)
    {
        var clock = Stopwatch.StartNew();
        Queue.AddDirectory(root);
        using var reporter = new ProgressReporter(_progress, Counters, Queue);
        using var registration = _cancellation.Register(() => Stop(new OperationCanceledException(_cancellation)));
        var workers = new Thread[Options.EffectiveParallelism];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = $"media-sync-{i}" };
            workers[i].Start();
        }
        foreach (var worker in workers) worker.Join();
        reporter.Report(final: true);

        if (_fatal is OperationCanceledException cancelled) throw cancelled;
        if (_fatal is MediaSyncException failed) throw failed;
        if (_fatal is not null) throw new MediaSyncException($"mirroring {_sourceText} to {_destinationText} failed unexpectedly: {_fatal.Message}", _fatal);
        if (_errorCount > 0)
        {
            var more = _errorCount > 1 ? $" ({_errorCount - 1} more problems were reported as warnings)" : "";
            throw new MediaSyncException(_firstError + more);
        }
        return Counters.Summary(clock.Elapsed.TotalSeconds);
    }

    private void Work()
    {
        while (Queue.TryTake(out var directory, out var copy))
        {
            try
            {
                if (directory is not null)
                {
                    if (_stopped) Release(directory);
                    else DirectoryChecker.Process(this, directory);
                }
                else
                {
                    try
                    {
                        if (!_stopped) FileCopier.Copy(this, copy);
                    }
                    finally
                    {
                        Release(copy.Directory);
                    }
                }
            }
            catch (Exception e)
            {
                Stop(e);
            }
            finally
            {
                Queue.Done(directory is not null);
            }
        }
    }

    /// <summary>Ends one piece of work inside <paramref name="node"/>; the last one writes its metadata and closes it.</summary>
    public void Release(DirectoryNode node)
    {
        var current = node;
        while (current.Release())
        {
            if (!_stopped && current.DestinationFd >= 0) DestinationMetadata.ApplyToDirectory(this, current);
            current.CloseDescriptors();
            if (current.Parent is null) return;
            current = current.Parent;
        }
    }

    public void Stop(Exception reason)
    {
        Interlocked.CompareExchange(ref _fatal, reason, null);
        _stopped = true;
        Queue.Wake();
    }

    public string SourcePath(byte[] relative) => PathText.Join(_sourceText, relative);

    public string DestinationPath(byte[] relative) => PathText.Join(_destinationText, relative);

    public void SourceError(byte[] relative, int errno) => Error(
        $"cannot read {SourcePath(relative)} in the source ({Errno.Describe(errno)}); make it readable by replica or remove it from the source, then run again (nothing in the destination was deleted after this error).");

    public void DestinationError(byte[] relative, string action, int errno) => Error(
        $"cannot {action} {DestinationPath(relative)} ({Errno.Describe(errno)}); make the destination writable by replica, then run again.");

    public void DiskFull(long partialBytes)
    {
        SyncCounters.Add(ref Counters.BytesCopied, -partialBytes);
        var needed = Math.Max(0, Volatile.Read(ref Counters.BytesToCopy) - Volatile.Read(ref Counters.BytesCopied));
        var atLeast = Queue.WalkFinished ? "" : "at least ";
        Stop(new MediaDiskFullException(
            $"the destination {_destinationText} is full: {atLeast}{needed} more bytes ({ByteText(needed)}) are needed to finish the mirror; free space there or give it a larger volume, then run again.",
            needed));
    }

    public void Vanished(byte[] relative) =>
        Warn($"{SourcePath(relative)} vanished from the source during the sync; it is left as it was in the destination.");

    public void Warn(string message)
    {
        if (_warn is null) return;
        lock (_warnGate) _warn(message);
    }

    private void Error(string message)
    {
        if (Interlocked.Increment(ref _errorCount) == 1) _firstError = message;
        else Warn(message);
    }

    private static string ByteText(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
