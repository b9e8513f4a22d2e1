using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>
/// <c>age: { noise_int: 5 }</c> → <c>38</c> for <c>41</c>: adds a deterministic offset from 1 to N, either way (never zero),
/// to a smallint, integer or bigint, staying inside the type (it moves the other way at the edge).
/// Not checked by the verification: moved values land on other rows' originals by design.
/// </summary>
internal sealed class NoiseIntTransformer(long range) : Transformer
{
    public static TransformerKind Kind { get; } = new("noise_int", "adds a deterministic, non-zero offset of at most N either way", "{ noise_int: 5 }", "range", ["range"],
        a => new NoiseIntTransformer(a.Integer("range", 1, int.MaxValue, null)));

    public override string Description => $"noise_int ({range})";
    public override bool Verifiable => false;

    public override string? Check(DumpColumn column) =>
        column.Kind == ColumnKind.Integer ? null : $"noise_int moves integers but the column is {column.Type}; use noise_date, hash, null_value or keep";

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output)
    {
        if (!long.TryParse(Encoding.ASCII.GetString(value).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            throw new FormatException($"a value of the {column.Type} column is not an integer noise_int can read");
        var u = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        long offset = 1 + (long)((u >> 1) % (ulong)range);
        if ((u & 1) == 1) offset = -offset;
        var (min, max) = ColumnKinds.IntegerRange(column.Type);
        long moved = offset > 0 ? (v > max - offset ? v - offset : v + offset) : (v < min - offset ? v - offset : v + offset);
        return Write(Encoding.ASCII.GetBytes(moved.ToString(CultureInfo.InvariantCulture)), ref output);
    }
}
