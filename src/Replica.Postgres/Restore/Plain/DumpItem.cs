namespace Replica.Postgres.Restore.Plain;

/// <summary>One thing read from a plain SQL dump, with the dump line it starts on.</summary>
internal abstract record DumpItem(long Line);

/// <summary>A psql meta-command such as \connect; \restrict and \unrestrict included.</summary>
internal sealed record MetaCommand(long Line, string Name, string Argument) : DumpItem(Line);

/// <summary>A complete SQL statement and the pg_dump table-of-contents comment that precedes it.</summary>
internal sealed record SqlStatement(long Line, string Text, TocEntry? Toc) : DumpItem(Line);

/// <summary>A "COPY table (cols) FROM stdin;" statement: its data follows as chunks.</summary>
internal sealed record CopyStart(long Line, string Text, string Table, TocEntry? Toc) : DumpItem(Line);

/// <summary>Whole lines of COPY data in a pooled buffer (the consumer returns it), how many rows they hold, and how many rows of the block came before.</summary>
internal sealed record CopyChunk(CopyStart Copy, byte[] Buffer, int Length, long Rows, long FirstRow) : DumpItem(Copy.Line);

/// <summary>The "\." that ends a COPY block.</summary>
internal sealed record CopyEnd(CopyStart Copy, long Rows, long Bytes, long EndLine) : DumpItem(EndLine);

/// <summary>The end of the dump; whether pg_dump's "dump complete" trailer was the last thing in it.</summary>
internal sealed record DumpEnd(long Line, bool Complete) : DumpItem(Line);

/// <summary>pg_dump's "-- Name: x; Type: y; Schema: z; Owner: o" comment.</summary>
internal sealed record TocEntry(string Name, string Type, string? Schema, string? Owner)
{
    public static TocEntry? Parse(string comment)
    {
        // "-- Name: …" or "-- Data for Name: …"
        int at = comment.IndexOf("Name: ", StringComparison.Ordinal);
        if (at < 0 || at > 16) return null;
        var rest = comment[(at + 6)..];
        int type = rest.IndexOf("; Type: ", StringComparison.Ordinal);
        if (type < 0) return null;
        var name = rest[..type];
        string? Field(string key)
        {
            int k = rest.IndexOf("; " + key + ": ", StringComparison.Ordinal);
            if (k < 0) return null;
            var v = rest[(k + key.Length + 4)..];
            int end = v.IndexOf("; ", StringComparison.Ordinal);
            return (end < 0 ? v : v[..end]).Trim();
        }
        return new TocEntry(name, Field("Type") ?? "", Field("Schema") is "-" or null ? null : Field("Schema"), Field("Owner"));
    }

    /// <summary>"INDEX public.orders_pkey" — how error messages name the object.</summary>
    public string Describe()
    {
        var n = Name;
        // pg_dump names constraints and data as "table constraint" or "TABLE x"; keep it readable.
        return Schema is null ? $"{Type} {n}" : $"{Type} {Schema}.{n}";
    }
}
