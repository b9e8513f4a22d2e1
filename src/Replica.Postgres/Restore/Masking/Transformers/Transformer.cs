using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>
/// One way to mask a column's values, with its parameters already checked. Values are the column's text
/// form (as COPY carries it, escapes undone); NULL stays NULL for every transformer (the caller never passes one).
/// </summary>
internal abstract class Transformer
{
    /// <summary>The transformer and its parameters as the plan prints them, e.g. "hash (length 12)".</summary>
    public abstract string Description { get; }

    /// <summary>Reads the keyed digest of each value (HMAC-SHA256 of the value with the profile's key).</summary>
    public virtual bool UsesDigest => true;

    /// <summary>
    /// The source values' fingerprints are compared with the target's after the load. Off where masked
    /// values land near other rows' originals by design (noise), so a match would prove nothing.
    /// </summary>
    public virtual bool Verifiable => true;

    /// <summary>Why this transformer cannot write the column (ending in the fix), or null when it can.</summary>
    public abstract string? Check(DumpColumn column);

    /// <summary>A value the transformer itself writes is no evidence of a leak (a name of the built-in list, the constant).</summary>
    public virtual bool MayProduce(ReadOnlySpan<byte> value) => false;

    /// <summary>
    /// Writes the masked form of a non-NULL value into <paramref name="output"/> (growing it); returns its length,
    /// or -1 for NULL. Throws <see cref="FormatException"/> for a value it cannot read — worded without the value.
    /// </summary>
    public abstract int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output);

    protected static int Write(ReadOnlySpan<byte> bytes, ref byte[] output)
    {
        if (output.Length < bytes.Length) output = new byte[Math.Max(bytes.Length, output.Length * 2)];
        bytes.CopyTo(output);
        return bytes.Length;
    }

    protected static string TypeOf(DumpColumn c) => c.Type;
}

/// <summary>A registered transformer: name, one-line documentation with an example, its parameters, and how it is built from them.</summary>
internal sealed record TransformerKind(string Name, string Summary, string Example, string? MainParameter, string[] Parameters, Func<TransformerArgs, Transformer> Create);

/// <summary>A spec's parameters by name (the main value under the transformer's main parameter), read with one-sentence errors.</summary>
internal sealed class TransformerArgs(string name, IReadOnlyDictionary<string, string> values, string example)
{
    public string? Get(string key) => values.TryGetValue(key, out var v) ? v : null;

    public string Required(string key) =>
        Get(key) ?? throw new FormatException($"{name} needs its {key}; write it as {example}");

    public int Integer(string key, int min, int max, int? fallback)
    {
        var v = Get(key);
        if (v is null) return fallback ?? throw new FormatException($"{name} needs its {key}; write it as {example}");
        if (!int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new FormatException($"{name}'s {key} must be a whole number from {min} to {max}, not '{v}'; write it as {example}");
        return n;
    }
}
