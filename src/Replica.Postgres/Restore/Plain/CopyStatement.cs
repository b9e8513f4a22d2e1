namespace Replica.Postgres.Restore.Plain;

/// <summary>Reads pg_dump's "COPY schema.table (columns) FROM stdin;" statements.</summary>
internal static class CopyStatement
{
    public static bool IsFromStdin(string sql) =>
        sql.StartsWith("COPY ", StringComparison.Ordinal) && sql.EndsWith(" FROM stdin;", StringComparison.Ordinal);

    /// <summary>The (possibly quoted, schema-qualified) table name right after COPY.</summary>
    public static string TableOf(string sql) => QualifiedName.Read(sql, 5);

    /// <summary>The unquoted column names of "COPY table (a, "B c") FROM stdin;", or null without a column list.</summary>
    public static IReadOnlyList<string>? ColumnsOf(string sql, string table)
    {
        int open = 5 + table.Length;
        const string tail = ") FROM stdin;";
        if (!sql.AsSpan(open).StartsWith(" (") || !sql.EndsWith(tail, StringComparison.Ordinal)) return null;
        var list = sql[(open + 2)..^tail.Length];
        var names = new List<string>();
        int i = 0;
        while (i < list.Length)
        {
            while (i < list.Length && list[i] is ' ' or ',') i++;
            if (i >= list.Length) break;
            names.Add(Dumps.CreateTableStatement.ReadIdentifier(list[i..], out int used));
            i += used;
        }
        return names;
    }
}

/// <summary>Reads a possibly quoted, possibly schema-qualified SQL name at a position.</summary>
internal static class QualifiedName
{
    public static string Read(string sql, int at)
    {
        int i = at;
        while (true)
        {
            if (i < sql.Length && sql[i] == '"')
            {
                i++;
                while (i < sql.Length && !(sql[i] == '"' && (i + 1 >= sql.Length || sql[i + 1] != '"'))) i += sql[i] == '"' ? 2 : 1;
                i++;
            }
            else
                while (i < sql.Length && sql[i] is not (' ' or '(' or '.' or ';' or '\n' or ',')) i++;
            if (i < sql.Length && sql[i] == '.') { i++; continue; }
            return sql[at..Math.Min(i, sql.Length)];
        }
    }
}
