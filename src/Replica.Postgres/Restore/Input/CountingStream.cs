namespace Replica.Postgres.Restore.Input;

/// <summary>A read-only pass-through that counts bytes, for progress over the compressed file.</summary>
internal sealed class CountingStream(Stream inner) : ReadOnlyStream
{
    private long _read;
    public long BytesRead => Interlocked.Read(ref _read);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Interlocked.Add(ref _read, n);
        return n;
    }
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        Interlocked.Add(ref _read, n);
        return n;
    }
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
}
