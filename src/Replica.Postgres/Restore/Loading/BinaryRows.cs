using System.Buffers.Binary;

namespace Replica.Postgres.Restore.Loading;

/// <summary>
/// Turns COPY text rows into COPY binary rows for tables whose columns are all integers or strings
/// (int2, int4, int8, text, varchar, char). The server then skips splitting lines, undoing escapes and
/// parsing numbers: for a table of such columns its COPY runs about a fifth faster, and the biggest
/// table's COPY is what the whole restore waits for. The work moves to this process, on another core.
/// Values mean exactly what they meant as text: the same escapes, NULL marker, integer syntax and
/// errors as the server's own text input (PostgreSQL 15).
/// </summary>
internal sealed class BinaryRows
{
    private enum Kind : byte { Int2, Int4, Int8, Text }

    /// <summary>Signature, flags and header-extension length that open a binary COPY stream.</summary>
    public static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>The field count -1 that ends a binary COPY stream.</summary>
    public static ReadOnlySpan<byte> Trailer => [0xFF, 0xFF];

    private readonly Kind[] _kinds;
    private readonly string[] _names;
    private byte[] _scratch = new byte[256];
    private readonly Masking.TableMasking? _masking;
    private readonly Masking.ColumnMask?[]? _masks;
    private byte[] _masked = [];

    private BinaryRows(Kind[] kinds, string[] names, Masking.TableMasking? masking)
    {
        _kinds = kinds; _names = names; _masking = masking; _masks = masking?.ByPosition;
    }

    /// <summary>A converter for these columns (name and type OID, in COPY order), or null when a type is not one it converts; masked columns are masked on the way.</summary>
    public static BinaryRows? For(IReadOnlyList<(string Name, uint TypeOid)> columns, Masking.TableMasking? masking = null)
    {
        if (columns.Count == 0) return null;
        var kinds = new Kind[columns.Count];
        for (int i = 0; i < kinds.Length; i++)
        {
            switch (columns[i].TypeOid)
            {
                case 21: kinds[i] = Kind.Int2; break;
                case 23: kinds[i] = Kind.Int4; break;
                case 20: kinds[i] = Kind.Int8; break;
                case 25 or 1042 or 1043: kinds[i] = Kind.Text; break;
                default: return null;
            }
        }
        return new BinaryRows(kinds, columns.Select(c => c.Name).ToArray(), masking);
    }

    /// <summary>
    /// Converts whole text lines (each ending in '\n') and appends the binary rows to <paramref name="output"/>,
    /// growing it as needed; returns the number of bytes written. A value the server would refuse throws
    /// <see cref="CopyValueException"/> with the server's wording and the row's number within these lines.
    /// </summary>
    public int Convert(ReadOnlySpan<byte> lines, ref byte[] output)
    {
        int o = 0, row = 0;
        while (!lines.IsEmpty)
        {
            int nl = lines.IndexOf((byte)'\n');
            var line = nl < 0 ? lines : lines[..nl];
            lines = nl < 0 ? default : lines[(nl + 1)..];
            row++;
            // Worst case per field: a 4-byte length and an 8-byte integer for a 1-byte value and its tab.
            Ensure(ref output, o, 2 + line.Length + _kinds.Length * 12);
            BinaryPrimitives.WriteInt16BigEndian(output.AsSpan(o), (short)_kinds.Length);
            o += 2;
            int pos = 0;
            // Backslashes (escapes) and carriage returns are rare: lines without them split on tabs alone.
            bool plain = line.IndexOfAny((byte)'\\', (byte)'\r') < 0;
            for (int col = 0; col < _kinds.Length; col++)
            {
                bool last = col == _kinds.Length - 1;
                var rest = line[pos..];
                int end;
                ReadOnlySpan<byte> value;
                bool isNull = false;
                if (plain)
                {
                    int tab = rest.IndexOf((byte)'\t');
                    end = tab < 0 ? rest.Length : tab;
                    value = rest[..end];
                }
                else end = CopyText.Unescape(rest, row, ref _scratch, out value, out isNull);
                if (last && end < rest.Length) throw new CopyValueException(row, "extra data after last expected column");
                if (!last && end >= rest.Length) throw new CopyValueException(row, $"missing data for column \"{_names[col + 1]}\"");
                pos += end + 1;

                if (_masks is not null && !isNull && col < _masks.Length && _masks[col] is { } mask)
                {
                    // The server is sent the masked value only; it may be longer than the text it replaces.
                    int n = _masking!.Apply(mask, value, row, ref _masked);
                    if (n < 0) isNull = true;
                    else value = _masked.AsSpan(0, n);
                    Ensure(ref output, o, 12 + value.Length + line.Length + _kinds.Length * 12);
                }
                var span = output.AsSpan(o);
                if (isNull)
                {
                    BinaryPrimitives.WriteInt32BigEndian(span, -1);
                    o += 4;
                    continue;
                }
                switch (_kinds[col])
                {
                    case Kind.Int2:
                        BinaryPrimitives.WriteInt32BigEndian(span, 2);
                        BinaryPrimitives.WriteInt16BigEndian(span[4..], (short)ParseInteger(value, short.MinValue, short.MaxValue, "smallint", row));
                        o += 6;
                        break;
                    case Kind.Int4:
                        BinaryPrimitives.WriteInt32BigEndian(span, 4);
                        BinaryPrimitives.WriteInt32BigEndian(span[4..], (int)ParseInteger(value, int.MinValue, int.MaxValue, "integer", row));
                        o += 8;
                        break;
                    case Kind.Int8:
                        BinaryPrimitives.WriteInt32BigEndian(span, 8);
                        BinaryPrimitives.WriteInt64BigEndian(span[4..], ParseInteger(value, long.MinValue, long.MaxValue, "bigint", row));
                        o += 12;
                        break;
                    default:
                        // Bytes as they are: the server checks their encoding (an escaped NUL is refused) as it does for text.
                        // Room was made per line: an unescaped value is never longer than its text.
                        BinaryPrimitives.WriteInt32BigEndian(span, value.Length);
                        value.CopyTo(span[4..]);
                        o += 4 + value.Length;
                        break;
                }
            }
        }
        return o;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v';

    /// <summary>PostgreSQL 15's pg_strtoint16/32/64: optional spaces, a sign, decimal digits, optional spaces.</summary>
    private static long ParseInteger(ReadOnlySpan<byte> s, long min, long max, string type, int row)
    {
        int i = 0;
        while (i < s.Length && IsSpace(s[i])) i++;
        bool negative = false;
        if (i < s.Length && (s[i] == (byte)'-' || s[i] == (byte)'+')) negative = s[i++] == (byte)'-';
        int digitsStart = i;
        // Accumulate as a negative number, so the most negative value fits.
        long acc = 0;
        bool overflow = false;
        while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
        {
            int d = s[i++] - '0';
            if (acc < (long.MinValue + d) / 10) overflow = true;
            else acc = acc * 10 - d;
        }
        bool digits = i > digitsStart;
        while (i < s.Length && IsSpace(s[i])) i++;
        if (!digits || i != s.Length)
            throw new CopyValueException(row, $"invalid input syntax for type {type}: \"{Text(s)}\"");
        if (!negative)
        {
            if (acc == long.MinValue) overflow = true;
            else acc = -acc;
        }
        if (overflow || acc < min || acc > max)
            throw new CopyValueException(row, $"value \"{Text(s)}\" is out of range for type {type}");
        return acc;
    }

    private static string Text(ReadOnlySpan<byte> s) => System.Text.Encoding.UTF8.GetString(s);

    private static void Ensure(ref byte[] buffer, int used, int more)
    {
        if (used + more <= buffer.Length) return;
        Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + more));
    }
}

/// <summary>A COPY value the server would refuse, worded as the server words it; <see cref="Row"/> counts from 1 within the converted lines.</summary>
internal sealed class CopyValueException(long row, string message) : Exception(message)
{
    public long Row { get; } = row;
}
