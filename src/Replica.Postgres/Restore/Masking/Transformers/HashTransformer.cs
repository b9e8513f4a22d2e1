using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>
/// <c>username: { hash: { length: 12 } }</c> → <c>9f2c4e81ab03</c>: the first <c>length</c> hex digits (1-64; default 32,
/// or the column's length when shorter) of the keyed HMAC-SHA256 of the value. Deterministic. Never longer than the
/// column: a length above varchar(n)/char(n) is refused. On a unique column fewer than 16 digits (64 bits) could make
/// two values one, so the plan refuses them there.
/// </summary>
internal sealed class HashTransformer(int? length) : Transformer
{
    public const int DefaultLength = 32;
    public const int UniqueMinimum = 16;

    public static TransformerKind Kind { get; } = new("hash", "keyed HMAC-SHA256 in hex, cut to a length", "{ hash: { length: 12 } }", "length", ["length"],
        a => new HashTransformer(a.Get("length") is null ? null : a.Integer("length", 1, 64, null)));

    public override string Description => length is { } n ? $"hash (length {n})" : "hash";

    /// <summary>The digits written into this column.</summary>
    public int LengthFor(DumpColumn column) => length ?? Math.Min(DefaultLength, column.Length ?? DefaultLength);

    public override string? Check(DumpColumn column)
    {
        if (column.Kind != ColumnKind.Text) return $"hash writes text but the column is {column.Type}; use noise_int, noise_date, null_value or keep";
        if (length > column.Length) return $"hash's length {length} is longer than the column allows ({column.Type}); set length to {column.Length} or less";
        var n = LengthFor(column);
        if (column.Unique && n < UniqueMinimum)
            return $"the column is unique and {n} hex digits could give two values the same hash; set length to {UniqueMinimum} or more" +
                   (column.Length < UniqueMinimum ? " (the column is too short: use email or keep)" : "");
        return null;
    }

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output)
    {
        int n = LengthFor(column);
        if (output.Length < 64) output = new byte[64];
        Hex.Write(digest, output);
        return n;
    }
}
