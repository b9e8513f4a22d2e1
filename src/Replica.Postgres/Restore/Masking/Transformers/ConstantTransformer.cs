using System.Text;
using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>
/// <c>password: { constant: "!" }</c> → <c>!</c> (an unusable Django password): every non-NULL value becomes the
/// constant; NULL stays NULL, so "never set" keeps its meaning. Must fit the column (length, integer syntax).
/// </summary>
internal sealed class ConstantTransformer(string constant) : Transformer
{
    private readonly byte[] _bytes = Encoding.UTF8.GetBytes(constant);

    public static TransformerKind Kind { get; } = new("constant", "every non-NULL value becomes the same text", "{ constant: \"!\" }", "value", ["value"],
        a => new ConstantTransformer(a.Required("value")));

    public override string Description => $"constant \"{constant}\"";
    public override bool UsesDigest => false;

    public override string? Check(DumpColumn column)
    {
        if (column.Length is { } max && constant.Length > max)
            return $"the constant \"{constant}\" is longer than the column allows ({column.Type}); use a constant of at most {max} characters";
        if (column.Kind == ColumnKind.Integer && !long.TryParse(constant, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
            return $"the constant \"{constant}\" is not an integer but the column is {column.Type}; use a whole number";
        return null;
    }

    public override bool MayProduce(ReadOnlySpan<byte> value) => value.SequenceEqual(_bytes);

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output) => Write(_bytes, ref output);
}

/// <summary><c>ip_address: null_value</c> → NULL: every value becomes NULL. A NOT NULL column is refused (use constant or hash).</summary>
internal sealed class NullValueTransformer : Transformer
{
    public static TransformerKind Kind { get; } = new("null_value", "every value becomes NULL", "null_value", null, [], _ => new NullValueTransformer());

    public override string Description => "null_value";
    public override bool UsesDigest => false;

    public override string? Check(DumpColumn column) =>
        column.NotNull ? "the column is NOT NULL; use constant or hash instead of null_value" : null;

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output) => -1;
}

/// <summary><c>title: keep</c>: the column is copied as it is; naming it tells the PII gate it was looked at.</summary>
internal sealed class KeepTransformer : Transformer
{
    public static TransformerKind Kind { get; } = new("keep", "copied unchanged (marks a column the PII gate flags as reviewed)", "keep", null, [], _ => new KeepTransformer());

    public override string Description => "keep";
    public override bool UsesDigest => false;
    public override bool Verifiable => false;
    public override string? Check(DumpColumn column) => null;

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output) => Write(value, ref output);
}
