using System.Threading.Channels;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.Loading;

/// <summary>One table's COPY block on its way from the reader to the connection that loads it, in whole-line chunks.</summary>
internal sealed class TableCopy(CopyStart start, SessionSettings settings, bool createdHere)
{
    private long _loaded;

    public CopyStart Start { get; } = start;
    public SessionSettings Settings { get; } = settings;

    /// <summary>The table was created by this restore, so it may be truncated in the loading transaction (which lets minimal WAL skip logging).</summary>
    public bool CreatedHere { get; } = createdHere;

    /// <summary>The columns a masking profile rewrites before the rows are sent; null: sent as read.</summary>
    public Masking.TableMasking? Masking { get; init; }

    /// <summary>Chunks read and not yet loaded; how many may wait is bounded by the restore's <see cref="ByteBudget"/>, not per table.</summary>
    public Channel<CopyChunk> Chunks { get; } = Channel.CreateUnbounded<CopyChunk>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
    public long ExpectedRows { get; set; }
    public long Bytes { get; set; }
    public long LoadedRows => Interlocked.Read(ref _loaded);

    /// <summary>Completes when the table's rows are committed (or faults when loading failed).</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The loading transaction committed this many rows.</summary>
    public void Loaded(long rows)
    {
        Interlocked.Exchange(ref _loaded, rows);
        Done.TrySetResult();
    }
}
