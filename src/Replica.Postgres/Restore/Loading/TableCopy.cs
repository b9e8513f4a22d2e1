using System.Threading.Channels;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.Loading;

/// <summary>One table's COPY block on its way from the reader to a loading connection.</summary>
internal sealed class TableCopy(CopyStart start, SessionSettings settings, bool createdHere)
{
    public CopyStart Start { get; } = start;
    public SessionSettings Settings { get; } = settings;

    /// <summary>The table was created by this restore, so it may be truncated in the loading transaction (which lets minimal WAL skip logging).</summary>
    public bool CreatedHere { get; } = createdHere;

    public Channel<CopyChunk> Chunks { get; } = Channel.CreateBounded<CopyChunk>(new BoundedChannelOptions(16) { SingleWriter = true, SingleReader = true });
    public long ExpectedRows { get; set; }
    public long Bytes { get; set; }
    public long LoadedRows { get; set; }
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
