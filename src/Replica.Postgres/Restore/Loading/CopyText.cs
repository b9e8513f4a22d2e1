namespace Replica.Postgres.Restore.Loading;

/// <summary>COPY's text format for one field: its escapes undone as the server undoes them, and written again.</summary>
internal static class CopyText
{
    /// <summary>
    /// Reads one field that holds a backslash, undoing COPY's escapes the way the server does (\b \f \n \r \t \v,
    /// octal \ooo, hex \xhh, any other escaped byte stands for itself; a field that is exactly \N is NULL).
    /// Returns the field's length in the line; an escaped tab does not end the field.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> rest, int row, ref byte[] scratch, out ReadOnlySpan<byte> value, out bool isNull)
    {
        int i = 0, n = 0;
        if (scratch.Length < rest.Length) scratch = new byte[Math.Max(rest.Length, scratch.Length * 2)];
        var dst = scratch.AsSpan();
        while (i < rest.Length)
        {
            // Plain stretches are copied whole; only the bytes that end or escape something are looked at one by one.
            int k = rest[i..].IndexOfAny((byte)'\t', (byte)'\\', (byte)'\r');
            int plain = k < 0 ? rest.Length - i : k;
            rest.Slice(i, plain).CopyTo(dst[n..]);
            n += plain;
            i += plain;
            if (k < 0 || rest[i] == (byte)'\t') break;
            byte c = rest[i++];
            if (c == (byte)'\r') throw new CopyValueException(row, "literal carriage return found in data");
            // The server would take the line break after it as data; pg_dump never writes one, and this reader splits rows there.
            if (i >= rest.Length) throw new CopyValueException(row, "a backslash ends the line (an escaped line break), which is not supported");
            c = rest[i++];
            switch (c)
            {
                case >= (byte)'0' and <= (byte)'7':
                {
                    int v = c - '0';
                    for (int d = 0; d < 2 && i < rest.Length && rest[i] is >= (byte)'0' and <= (byte)'7'; d++) v = (v << 3) + (rest[i++] - '0');
                    dst[n++] = (byte)(v & 0xFF);
                    break;
                }
                case (byte)'x' when i < rest.Length && IsHex(rest[i]):
                {
                    int v = Hex(rest[i++]);
                    if (i < rest.Length && IsHex(rest[i])) v = (v << 4) + Hex(rest[i++]);
                    dst[n++] = (byte)v;
                    break;
                }
                case (byte)'b': dst[n++] = (byte)'\b'; break;
                case (byte)'f': dst[n++] = (byte)'\f'; break;
                case (byte)'n': dst[n++] = (byte)'\n'; break;
                case (byte)'r': dst[n++] = (byte)'\r'; break;
                case (byte)'t': dst[n++] = (byte)'\t'; break;
                case (byte)'v': dst[n++] = (byte)'\v'; break;
                default: dst[n++] = c; break;
            }
        }
        isNull = i == 2 && rest[0] == (byte)'\\' && rest[1] == (byte)'N';
        value = dst[..n];
        return i;
    }

    /// <summary>Writes a value as a COPY text field (backslash, tab, line break and carriage return escaped); returns the bytes written.</summary>
    public static int Escape(ReadOnlySpan<byte> value, Span<byte> into)
    {
        int n = 0;
        foreach (var c in value)
        {
            switch (c)
            {
                case (byte)'\\': into[n++] = (byte)'\\'; into[n++] = (byte)'\\'; break;
                case (byte)'\t': into[n++] = (byte)'\\'; into[n++] = (byte)'t'; break;
                case (byte)'\n': into[n++] = (byte)'\\'; into[n++] = (byte)'n'; break;
                case (byte)'\r': into[n++] = (byte)'\\'; into[n++] = (byte)'r'; break;
                default: into[n++] = c; break;
            }
        }
        return n;
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';
    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
