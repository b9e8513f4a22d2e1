using System.Buffers;
using System.Threading.Channels;

namespace Replica.Postgres.Restore.Input;

/// <summary>
/// Reads (and so decompresses) its source on a thread of its own, a few blocks ahead of the consumer,
/// so decompression and parsing use two cores.
/// </summary>
internal sealed class ReadAheadStream : ReadOnlyStream
{
    private const int BlockSize = 1 << 20;
    private readonly Channel<(byte[] Block, int Length)> _blocks = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
    private readonly Thread _pump;
    private readonly CancellationTokenSource _stop = new();
    private byte[]? _current;
    private int _pos, _len;
    private bool _done;

    public ReadAheadStream(Stream source)
    {
        _pump = new Thread(() => Pump(source)) { IsBackground = true, Name = "replica-read-ahead" };
        _pump.Start();
    }

    private void Pump(Stream source)
    {
        try
        {
            using (source)
            {
                while (!_stop.IsCancellationRequested)
                {
                    var block = ArrayPool<byte>.Shared.Rent(BlockSize);
                    int n = source.ReadAtLeast(block.AsSpan(0, BlockSize), BlockSize, throwOnEndOfStream: false);
                    if (n == 0) { ArrayPool<byte>.Shared.Return(block); break; }
                    if (!_blocks.Writer.WaitToWriteAsync(_stop.Token).AsTask().GetAwaiter().GetResult()) break;
                    _blocks.Writer.TryWrite((block, n));
                    if (n < BlockSize) break;
                }
            }
            _blocks.Writer.TryComplete();
        }
        catch (OperationCanceledException) { _blocks.Writer.TryComplete(); }
        catch (Exception e) { _blocks.Writer.TryComplete(e); }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_current is null || _pos == _len)
        {
            if (_done) return 0;
            if (_current is not null) { ArrayPool<byte>.Shared.Return(_current); _current = null; }
            try
            {
                if (!_blocks.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) { _done = true; return 0; }
            }
            catch (ChannelClosedException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            }
            if (_blocks.Reader.TryRead(out var b)) { _current = b.Block; _pos = 0; _len = b.Length; }
        }
        int n = Math.Min(buffer.Length, _len - _pos);
        _current.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            while (_blocks.Reader.TryRead(out var b)) ArrayPool<byte>.Shared.Return(b.Block);
            _pump.Join(TimeSpan.FromSeconds(5));
            while (_blocks.Reader.TryRead(out var b)) ArrayPool<byte>.Shared.Return(b.Block);
        }
        base.Dispose(disposing);
    }
}
