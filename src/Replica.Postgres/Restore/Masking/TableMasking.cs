using Replica.Postgres.Restore.Loading;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// The masked columns of one COPY block, by their position in its column list, and the rewriting of its text rows:
/// a masked field is unescaped, masked and escaped again; every other field is copied byte for byte. The binary
/// path (<see cref="BinaryRows"/>) asks <see cref="Apply"/> for each masked field instead.
/// </summary>
internal sealed class TableMasking(ColumnMask?[] byPosition)
{
    private byte[] _scratch = new byte[256];
    private byte[] _masked = new byte[256];

    public ColumnMask?[] ByPosition { get; } = byPosition;
    public IEnumerable<ColumnMask> Masks => ByPosition.OfType<ColumnMask>();

    /// <summary>Masks a non-NULL value; a value the transformer cannot read fails the row, without quoting the value.</summary>
    public int Apply(ColumnMask mask, ReadOnlySpan<byte> value, int row, ref byte[] output)
    {
        try { return mask.Apply(value, ref output); }
        catch (FormatException e) { throw new CopyValueException(row, $"masking column {mask.Column.Name} with {mask.Rule.Description}: {e.Message.TrimEnd('.')}"); }
    }

    /// <summary>Rewrites whole text lines (each ending in '\n') into <paramref name="output"/> with the masked columns replaced; returns the bytes written.</summary>
    public int RewriteText(ReadOnlySpan<byte> lines, ref byte[] output)
    {
        int o = 0, row = 0;
        while (!lines.IsEmpty)
        {
            int nl = lines.IndexOf((byte)'\n');
            var line = nl < 0 ? lines : lines[..nl];
            lines = nl < 0 ? default : lines[(nl + 1)..];
            row++;
            Ensure(ref output, o, line.Length + 1);
            int pos = 0;
            for (int col = 0; pos <= line.Length; col++)
            {
                var rest = line[pos..];
                int end = FieldEnd(rest);
                var mask = col < ByPosition.Length ? ByPosition[col] : null;
                if (mask is null)
                {
                    rest[..end].CopyTo(output.AsSpan(o));
                    o += end;
                }
                else
                {
                    CopyText.Unescape(rest[..end], row, ref _scratch, out var value, out bool isNull);
                    // A field without a backslash is its own value: Unescape copied it for nothing, which is fine.
                    int n = isNull ? -1 : Apply(mask, value, row, ref _masked);
                    if (n < 0)
                    {
                        Ensure(ref output, o, 2 + line.Length - pos + 1);
                        output[o++] = (byte)'\\'; output[o++] = (byte)'N';
                    }
                    else
                    {
                        Ensure(ref output, o, 2 * n + line.Length - pos + 1);
                        o += CopyText.Escape(_masked.AsSpan(0, n), output.AsSpan(o));
                    }
                }
                pos += end + 1;
                if (pos <= line.Length) output[o++] = (byte)'\t';
            }
            output[o++] = (byte)'\n';
        }
        return o;
    }

    /// <summary>Where a field ends: the first tab that is not escaped.</summary>
    private static int FieldEnd(ReadOnlySpan<byte> rest)
    {
        int i = 0;
        while (i < rest.Length)
        {
            byte c = rest[i];
            if (c == (byte)'\t') return i;
            i += c == (byte)'\\' ? 2 : 1;
        }
        return rest.Length;
    }

    private static void Ensure(ref byte[] buffer, int used, int more)
    {
        if (used + more <= buffer.Length) return;
        Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + more));
    }
}
