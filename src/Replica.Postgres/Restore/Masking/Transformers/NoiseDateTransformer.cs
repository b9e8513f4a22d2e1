using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>
/// <c>last_login: { noise_date: 30d }</c> → <c>2024-03-02 09:14:07+00</c> for <c>2024-02-11 17:40:31+00</c>: moves a date,
/// timestamp or timestamptz by a deterministic offset of up to the range (d, h, m, s; e.g. 30d, 12h, 1d12h) either way,
/// never by zero; dates move by whole days, times by whole seconds (fractions and the zone offset are kept).
/// infinity stays infinity. Not checked by the verification: shifted values land on other rows' originals by design.
/// </summary>
internal sealed class NoiseDateTransformer(string text, long seconds) : Transformer
{
    public static TransformerKind Kind { get; } = new("noise_date", "shifts a date or time by a deterministic, non-zero offset within a range", "{ noise_date: 30d }", "range", ["range"],
        a => new NoiseDateTransformer(a.Required("range"), ParseRange(a.Required("range"))));

    public override string Description => $"noise_date ({text})";
    public override bool Verifiable => false;

    public override string? Check(DumpColumn column) => column.Kind switch
    {
        ColumnKind.Date when seconds < 86400 => $"the column is a date and noise_date's range {text} is less than a day; use a range of 1d or more",
        ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz => null,
        _ => $"noise_date shifts dates and times but the column is {column.Type}; use noise_int, hash, null_value or keep",
    };

    public override int Transform(ReadOnlySpan<byte> value, ReadOnlySpan<byte> digest, DumpColumn column, ref byte[] output)
    {
        var s = Encoding.ASCII.GetString(value);
        if (s is "infinity" or "-infinity") return Write(value, ref output);
        var u = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        bool date = column.Kind == ColumnKind.Date;
        long range = date ? seconds / 86400 : seconds;
        long offset = (1 + (long)((u >> 1) % (ulong)range)) * ((u & 1) == 0 ? 1 : -1);

        if (s.Length < 10 || !DateTime.TryParseExact(s.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw Unreadable(column);
        if (date)
        {
            if (s.Length != 10) throw Unreadable(column);
            return Write(Encoding.ASCII.GetBytes(Shift(day, offset * 86400).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ref output);
        }
        if (s.Length < 19 || s[10] != ' ' || !TimeSpan.TryParseExact(s.AsSpan(11, 8), @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var time))
            throw Unreadable(column);
        // The fraction and the zone offset are kept as written: only whole seconds move.
        var tail = s[19..];
        if (tail.Length > 0 && tail[0] is not ('.' or '+' or '-')) throw Unreadable(column);
        var shifted = Shift(day + time, offset);
        return Write(Encoding.ASCII.GetBytes(shifted.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + tail), ref output);
    }

    private static DateTime Shift(DateTime t, long offsetSeconds)
    {
        // Near year 1 or 9999 the other direction always fits.
        var ticks = offsetSeconds * TimeSpan.TicksPerSecond;
        return t.Ticks + ticks is var moved && moved >= DateTime.MinValue.Ticks && moved <= DateTime.MaxValue.Ticks ? new DateTime(moved) : new DateTime(t.Ticks - ticks);
    }

    private static FormatException Unreadable(DumpColumn column) =>
        new($"a value of the {column.Type} column is not in the ISO form noise_date reads (years 1-9999, as pg_dump writes them with DateStyle ISO)");

    /// <summary>"30d", "12h", "90m", "45s" or a sequence of them ("1d12h"), more than zero.</summary>
    public static long ParseRange(string range)
    {
        long total = 0;
        int i = 0;
        var r = range.Trim();
        while (i < r.Length)
        {
            int start = i;
            while (i < r.Length && char.IsAsciiDigit(r[i])) i++;
            if (i == start || i >= r.Length || !long.TryParse(r.AsSpan(start, i - start), out var n)) throw BadRange(range);
            total += r[i++] switch { 'd' => n * 86400, 'h' => n * 3600, 'm' => n * 60, 's' => n, _ => throw BadRange(range) };
        }
        if (total <= 0) throw BadRange(range);
        return total;
    }

    private static FormatException BadRange(string range) =>
        new($"noise_date's range '{range}' is not a duration such as 30d, 12h, 90m or 1d12h; write it as {{ noise_date: 30d }}");
}
