using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>
/// <c>email: email</c> → <c>u4f3a9c1e0b2d7a55@example.invalid</c>: "u", 16 hex digits of the keyed digest, an address
/// that cannot be delivered. Deterministic; 64 bits keep distinct inputs distinct (a unique index holds: a collision
/// among 5 million addresses has a chance below one in a million). Needs a text column of at least 33 characters.
/// </summary>
internal sealed class EmailTransformer : Transformer
{
    public const int HexDigits = 16;
    private static readonly byte[] Domain = "@example.invalid"u8.ToArray();
    public static int Length => 1 + HexDigits + Domain.Length;

    public static TransformerKind Kind { get; } = new("email", "a deterministic, unique-preserving, undeliverable address", "email", null, [], _ => new EmailTransformer());

    public override string Description => "email";

    public override string? Check(DumpColumn column) =>
        column.Kind != ColumnKind.Text ? $"email writes text but the column is {column.Type}; use noise_int, noise_date, null_value or keep"
        : column.Length < Length ? $"email writes {Length} characters but the column holds at most {column.Length}; use hash with a length of {column.Length} or less"
        : null;

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output)
    {
        if (output.Length < Length) output = new byte[Math.Max(Length, 64)];
        output[0] = (byte)'u';
        Hex.Write(digest[..(HexDigits / 2)], output.AsSpan(1));
        Domain.CopyTo(output.AsSpan(1 + HexDigits));
        return Length;
    }
}

internal static class Hex
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    /// <summary>Lowercase hex of <paramref name="bytes"/> into <paramref name="into"/> (two digits a byte).</summary>
    public static void Write(ReadOnlySpan<byte> bytes, Span<byte> into)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            into[2 * i] = Digits[bytes[i] >> 4];
            into[2 * i + 1] = Digits[bytes[i] & 0xF];
        }
    }
}
