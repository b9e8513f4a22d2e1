using System.Buffers.Binary;
using System.Security.Cryptography;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore.Masking.Transformers;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// One masked column of one table while it loads: its transformer, the keyed digest of each value (HMAC-SHA256,
/// computed once and shared by the transformer and the fingerprint), the count of values masked, and the
/// source values' fingerprints for the verification (8 bytes of the keyed digest each, never the value).
/// Used by the one connection that loads the table.
/// </summary>
internal sealed class ColumnMask
{
    private readonly HMACSHA256? _hmac;
    private readonly byte[] _digest = new byte[32];
    private readonly bool _bypass;
    private long _masked;
    private byte[] _last = new byte[64];
    private int _lastLength;
    private bool _hasLast;

    public ColumnMask(string database, string table, DumpColumn column, MaskingRule rule, ReadOnlySpan<byte> key, bool bypass)
    {
        Database = database; Table = table; Column = column; Rule = rule; _bypass = bypass;
        if (rule.Transformer.UsesDigest || rule.Transformer.Verifiable) _hmac = new HMACSHA256(key.ToArray());
        Fingerprints = rule.Transformer.Verifiable ? [] : null;
    }

    public string Database { get; }
    /// <summary>The table as the COPY statement names it (quoted, schema-qualified).</summary>
    public string Table { get; }
    public DumpColumn Column { get; }
    public MaskingRule Rule { get; }
    public Transformer Transformer => Rule.Transformer;
    public long Masked => Interlocked.Read(ref _masked);
    public HashSet<ulong>? Fingerprints { get; }

    /// <summary>Masks one non-NULL value into <paramref name="output"/>; returns its length or -1 for NULL.</summary>
    public int Apply(ReadOnlySpan<byte> value, ref byte[] output)
    {
        // A value equal to the one before it (a blank filler, a status) has the digest already computed.
        if (_hmac is not null && !(_hasLast && value.SequenceEqual(_last.AsSpan(0, _lastLength))))
        {
            _hmac.TryComputeHash(value, _digest, out _);
            Fingerprints?.Add(Fingerprint(_digest));
            if (_last.Length < value.Length) _last = new byte[Math.Max(value.Length, _last.Length * 2)];
            value.CopyTo(_last);
            _lastLength = value.Length;
            _hasLast = true;
        }
        Interlocked.Increment(ref _masked);
        if (_bypass)
        {
            if (output.Length < value.Length) output = new byte[value.Length * 2];
            value.CopyTo(output);
            return value.Length;
        }
        return Transformer.Transform(value, _digest, Column, ref output);
    }

    /// <summary>The fingerprint of a value, for comparing the target's values with the source's.</summary>
    public ulong FingerprintOf(ReadOnlySpan<byte> value)
    {
        Span<byte> digest = stackalloc byte[32];
        _hmac!.TryComputeHash(value, digest, out _);
        return Fingerprint(digest);
    }

    // The last 8 bytes: the transformers read the first 24.
    private static ulong Fingerprint(ReadOnlySpan<byte> digest) => BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]);
}
