using System.Threading.Channels;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.Loading;

/// <summary>
/// One table's COPY block on its way from the reader to the server. Several connections may load
/// it at once, each taking whole-line chunks from the same queue (a big table is the critical path).
/// </summary>
internal sealed class TableCopy(CopyStart start, SessionSettings settings, bool createdHere)
{
    private readonly Lock _gate = new();
    private int _sessions;
    private bool _closed;
    private long _loaded;

    public CopyStart Start { get; } = start;
    public SessionSettings Settings { get; } = settings;

    /// <summary>The table was created by this restore, so it may be truncated in the loading transaction (which lets minimal WAL skip logging).</summary>
    public bool CreatedHere { get; } = createdHere;

    /// <summary>Chunks read and not yet loaded; how many may wait is bounded by the restore's <see cref="ByteBudget"/>, not per table.</summary>
    public Channel<CopyChunk> Chunks { get; } = Channel.CreateUnbounded<CopyChunk>(new UnboundedChannelOptions { SingleWriter = true });
    public long ExpectedRows { get; set; }
    public long Bytes { get; set; }
    public long LoadedRows => Interlocked.Read(ref _loaded);

    /// <summary>More than one connection took part, so a COPY error's line is relative to a part, not to the block.</summary>
    public bool Split { get; private set; }

    /// <summary>Completes when every connection loading this table has committed (or one failed).</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A connection starts loading; false when the table is already fully loaded.</summary>
    public bool TryJoin()
    {
        lock (_gate)
        {
            if (_closed) return false;
            if (Chunks.Reader.Completion.IsCompleted)
            {
                // Nothing left to load (an empty table, or others took every chunk): the table is done once nobody loads it.
                if (_sessions == 0) { _closed = true; Done.TrySetResult(); }
                return false;
            }
            if (_sessions > 0) Split = true;
            _sessions++;
            return true;
        }
    }

    /// <summary>A connection committed its part; the last one completes the table.</summary>
    public void Leave(long rowsLoaded)
    {
        Interlocked.Add(ref _loaded, rowsLoaded);
        lock (_gate)
        {
            if (--_sessions > 0 || !Chunks.Reader.Completion.IsCompleted) return;
            _closed = true;
        }
        Done.TrySetResult();
    }

    public int Sessions { get { lock (_gate) return _sessions; } }
}
