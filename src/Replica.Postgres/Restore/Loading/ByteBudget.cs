namespace Replica.Postgres.Restore.Loading;

/// <summary>
/// How many bytes of table data may wait in memory between the dump reader and the loading
/// connections. While one connection loads a big table, the reader runs ahead through the rest
/// of the dump (other tables, then the indexes and keys) as far as this budget allows, instead
/// of waiting for that table. When it is used up, reading waits: a dump bigger than memory still
/// streams, it just loses some of the overlap.
/// </summary>
internal sealed class ByteBudget(long limit)
{
    private readonly Lock _gate = new();
    private readonly Queue<(long Bytes, TaskCompletionSource Granted)> _waiting = new();
    private long _used;

    /// <summary>A quarter of the memory this process may use (a container's limit counts), between 64 MiB and 2 GiB.</summary>
    public static long Default()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Math.Clamp(available / 4, 64L << 20, 2L << 30);
    }

    /// <summary>Takes <paramref name="bytes"/>, waiting while others hold the budget. A single request bigger than the whole budget waits until nothing else is held.</summary>
    public ValueTask TakeAsync(long bytes, CancellationToken ct)
    {
        TaskCompletionSource granted;
        lock (_gate)
        {
            if (_waiting.Count == 0 && (_used + bytes <= limit || _used == 0))
            {
                _used += bytes;
                return ValueTask.CompletedTask;
            }
            granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue((bytes, granted));
        }
        return new ValueTask(granted.Task.WaitAsync(ct));
    }

    public void Give(long bytes)
    {
        List<TaskCompletionSource>? wake = null;
        lock (_gate)
        {
            _used -= bytes;
            while (_waiting.TryPeek(out var next) && (_used + next.Bytes <= limit || _used == 0))
            {
                _waiting.Dequeue();
                _used += next.Bytes;
                (wake ??= []).Add(next.Granted);
            }
        }
        if (wake is not null) foreach (var w in wake) w.TrySetResult();
    }
}
