using Replica.Core.Status;

namespace Replica.Server.Api;

/// <summary>
/// Target status for many readers: one read at a time, shared by everyone who asks while it
/// runs, and reused for a second. A status read asks each platform what runs (processes,
/// ports, the cluster) and repairs leftovers; a page polling it from every desk must not
/// multiply that.
/// </summary>
public sealed class StatusCache(TargetStatusReader reader, TimeProvider clock)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private Task<IReadOnlyList<TargetStatus>>? _current;
    private DateTimeOffset _readAt;

    public Task<IReadOnlyList<TargetStatus>> AllAsync()
    {
        lock (_gate)
        {
            if (_current is { } c && (!c.IsCompleted || (c.IsCompletedSuccessfully && clock.GetUtcNow() - _readAt < Fresh)))
                return c;
            _readAt = clock.GetUtcNow();
            return _current = Task.Run(() => reader.ReadAsync(null, CancellationToken.None));
        }
    }

    /// <summary>After a launch or a run's end the next read must see it.</summary>
    public void Invalidate()
    {
        lock (_gate) { if (_current?.IsCompleted == true) _current = null; }
    }
}
