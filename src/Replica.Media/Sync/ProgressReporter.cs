using System.Diagnostics;

namespace Replica.Media.Sync;

/// <summary>
/// Reports progress from one place, a few times a second, with the rate over the last interval,
/// so workers only bump counters and never call the subscriber themselves.
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    private const int IntervalMs = 250;
    private readonly IProgress<SyncProgress>? _progress;
    private readonly SyncCounters _counters;
    private readonly WorkQueue _queue;
    private readonly Timer? _timer;
    private readonly object _gate = new();
    private long _lastBytes;
    private long _lastTicks = Stopwatch.GetTimestamp();
    private double _rate;

    public ProgressReporter(IProgress<SyncProgress>? progress, SyncCounters counters, WorkQueue queue)
    {
        _progress = progress;
        _counters = counters;
        _queue = queue;
        if (progress is not null) _timer = new Timer(_ => Report(final: false), null, IntervalMs, IntervalMs);
    }

    public void Report(bool final)
    {
        if (_progress is null) return;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var bytes = Volatile.Read(ref _counters.BytesCopied);
            var seconds = Stopwatch.GetElapsedTime(_lastTicks, now).TotalSeconds;
            if (seconds > 0.05)
            {
                var current = (bytes - _lastBytes) / seconds;
                // Smooth so the ETA does not jump with every burst of small files.
                _rate = _rate == 0 ? current : 0.7 * _rate + 0.3 * current;
                _lastBytes = bytes;
                _lastTicks = now;
            }
            _progress.Report(new SyncProgress(
                Volatile.Read(ref _counters.FilesDone), Volatile.Read(ref _counters.FilesSeen),
                bytes, Volatile.Read(ref _counters.BytesToCopy), _rate, final || _queue.WalkFinished));
        }
    }

    public void Dispose() => _timer?.Dispose();
}
