using System.Buffers;
using System.Text;

namespace Replica.Postgres.Restore.Plain;

/// <summary>
/// Splits a plain SQL dump (pg_dump / pg_dumpall / pg_restore script output) into statements,
/// psql meta-commands and COPY data. COPY data is passed on as whole-line byte chunks without
/// decoding, counting rows (lines) on the way.
/// </summary>
internal sealed class PlainDumpReader
{
    private const int ChunkSize = 1 << 20;
    private readonly Stream _input;
    private byte[] _buf = new byte[4 << 20];
    private int _start, _end;
    private bool _eof;
    private long _line = 1;           // line number of _start
    private long _bytes;              // decompressed bytes consumed

    public PlainDumpReader(Stream input) => _input = input;

    public long BytesRead => Interlocked.Read(ref _bytes);

    public IEnumerable<DumpItem> Read()
    {
        var scanner = new StatementScanner();
        var statement = new ArrayBufferWriter<byte>(4096);
        long statementLine = 0;
        TocEntry? toc = null;
        bool complete = false;

        while (NextLine(out var line, out long lineNo))
        {
            if (statement.WrittenCount == 0)
            {
                var trimmed = line.TrimEnd("\r"u8);
                if (trimmed.IsEmpty || IsBlank(trimmed)) continue;
                if (trimmed.StartsWith("--"u8))
                {
                    var text = Encoding.UTF8.GetString(trimmed);
                    if (TocEntry.Parse(text) is { } entry) toc = entry;
                    else if (text.StartsWith("-- PostgreSQL database", StringComparison.Ordinal) && text.EndsWith("dump complete", StringComparison.Ordinal)) complete = true;
                    continue;
                }
                if (trimmed[0] == (byte)'\\')
                {
                    var text = Encoding.UTF8.GetString(trimmed[1..]);
                    int sp = text.IndexOf(' ');
                    // pg_dump writes its trailer, then \unrestrict: that still is a complete dump.
                    if (!text.StartsWith("unrestrict", StringComparison.Ordinal)) complete = false;
                    yield return new MetaCommand(lineNo, sp < 0 ? text : text[..sp], sp < 0 ? "" : text[(sp + 1)..].Trim());
                    continue;
                }
                statementLine = lineNo;
                complete = false;
            }

            int end = scanner.FindEnd(line);
            if (end < 0) { statement.Write(line); statement.Write("\n"u8); continue; }

            statement.Write(line[..(end + 1)]);
            var rest = line[(end + 1)..];
            var sql = Encoding.UTF8.GetString(statement.WrittenSpan);
            statement.Clear();
            scanner.Reset();
            if (!IsBlank(rest.TrimEnd("\r"u8)) && !rest.TrimStart(" \t"u8).StartsWith("--"u8))
                throw new DumpSyntaxException(lineNo, "more than one statement on a line after a semicolon is not supported");

            if (CopyStatement.IsFromStdin(sql))
            {
                var copy = new CopyStart(statementLine, sql, CopyStatement.TableOf(sql), toc);
                yield return copy;
                foreach (var item in ReadCopyData(copy)) yield return item;
            }
            else yield return new SqlStatement(statementLine, sql, toc);
        }
        if (statement.WrittenCount > 0)
            throw new DumpSyntaxException(statementLine, "the dump ends inside a statement");
        yield return new DumpEnd(_line, complete);
    }

    private IEnumerable<DumpItem> ReadCopyData(CopyStart copy)
    {
        long rows = 0, bytes = 0;
        while (true)
        {
            int lastNl = -1;
            while (true)
            {
                var window = _buf.AsSpan(_start, Math.Min(_end - _start, ChunkSize));
                lastNl = window.LastIndexOf((byte)'\n');
                if (lastNl >= 0 || _eof) break;
                Fill();
            }
            if (lastNl < 0)
                throw new DumpSyntaxException(_line, $"the dump ends inside the COPY data of {copy.Table} (no \\. line)");

            var lines = _buf.AsSpan(_start, lastNl + 1);
            int term = lines.StartsWith("\\."u8) ? 0 : lines.IndexOf("\n\\."u8) is var k and >= 0 ? k + 1 : -1;
            var data = term >= 0 ? lines[..term] : lines;
            if (data.Length > 0)
            {
                long n = data.Count((byte)'\n');
                var chunk = ArrayPool<byte>.Shared.Rent(data.Length);
                data.CopyTo(chunk);
                var first = rows;
                rows += n; bytes += data.Length;
                Consume(data.Length, n);
                yield return new CopyChunk(copy, chunk, data.Length, n, first);
            }
            if (term >= 0)
            {
                // Consume the "\." line itself.
                int nl = _buf.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                var rest = _buf.AsSpan(_start + 2, nl - 2).TrimEnd("\r"u8);
                if (!rest.IsEmpty) throw new DumpSyntaxException(_line, $"unexpected text after \\. ending the COPY data of {copy.Table}");
                long endLine = _line;
                Consume(nl + 1, 1);
                yield return new CopyEnd(copy, rows, bytes, endLine);
                yield break;
            }
        }
    }

    private bool NextLine(out ReadOnlySpan<byte> line, out long lineNo)
    {
        while (true)
        {
            var avail = _buf.AsSpan(_start, _end - _start);
            int nl = avail.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = avail[..nl];
                lineNo = _line;
                Consume(nl + 1, 1);
                return true;
            }
            if (_eof)
            {
                lineNo = _line;
                if (avail.IsEmpty) { line = default; return false; }
                line = avail;
                Consume(avail.Length, 1);
                return true;
            }
            Fill();
        }
    }

    private void Consume(int count, long lines)
    {
        _start += count;
        _line += lines;
        Interlocked.Add(ref _bytes, count);
    }

    /// <summary>Reads more input behind what is buffered, growing the buffer for very long lines.</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
        int n = _input.Read(_buf, _end, _buf.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
    }

    private static bool IsBlank(ReadOnlySpan<byte> s) => s.TrimStart(" \t\r"u8).IsEmpty;
}

/// <summary>A dump that is not well-formed SQL at a given line (typically truncated).</summary>
internal sealed class DumpSyntaxException(long line, string message) : Exception(message)
{
    public long Line { get; } = line;
}
