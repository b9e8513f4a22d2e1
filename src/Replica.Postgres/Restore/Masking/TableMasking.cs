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
                int end = FieldEnd(rest, out bool escaped);
                var mask = col < ByPosition.Length ? ByPosition[col] : null;
                if (mask is null)
                {
                    rest[..end].CopyTo(output.AsSpan(o));
                    o += end;
                }
                else
                {
                    // A field without a backslash is its own value, as it stands in the line.
                    ReadOnlySpan<byte> value = rest[..end];
                    bool isNull = false;
                    if (escaped) CopyText.Unescape(value, row, ref _scratch, out value, out isNull);
                    else if (value.IndexOf((byte)'\r') >= 0) throw new CopyValueException(row, "literal carriage return found in data");
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

    /// <summary>Where a field ends (the first tab that is not escaped), and whether it holds a backslash.</summary>
    private static int FieldEnd(ReadOnlySpan<byte> rest, out bool escaped)
    {
        escaped = false;
        int i = 0;
        while (true)
        {
            int k = rest[i..].IndexOfAny((byte)'\t', (byte)'\\');
            if (k < 0) return rest.Length;
            i += k;
            if (rest[i] == (byte)'\t') return i;
            escaped = true;
            i += 2;
            if (i >= rest.Length) return rest.Length;
        }
    }

    private static void Ensure(ref byte[] buffer, int used, int more)
    {
        if (used + more <= buffer.Length) return;
        Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + more));
    }
}
