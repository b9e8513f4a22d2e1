using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.PostData;

/// <summary>A post-data statement held back until the tables are loaded, with the session settings in force where it stood.</summary>
internal sealed record DeferredStatement(SqlStatement Statement, SessionSettings Settings)
{
    public PostDataKind Kind { get; } = Classify(Statement);

    /// <summary>Tables the statement locks; two statements sharing a table never run at the same time.</summary>
    public IReadOnlyList<string> Tables { get; } = TablesOf(Statement.Text);

    /// <summary>Whether the statement's lock allows another statement on the same table (CREATE INDEX takes SHARE).</summary>
    public bool SharesTable => Statement.Text.StartsWith("CREATE INDEX", StringComparison.Ordinal) || Statement.Text.StartsWith("CREATE UNIQUE INDEX", StringComparison.Ordinal);

    private static PostDataKind Classify(SqlStatement s)
    {
        var type = s.Toc?.Type;
        var sql = s.Text;
        if (type == "FK CONSTRAINT" && sql.StartsWith("ALTER TABLE", StringComparison.Ordinal)) return PostDataKind.ForeignKey;
        if (type == "INDEX" && (sql.StartsWith("CREATE INDEX", StringComparison.Ordinal) || sql.StartsWith("CREATE UNIQUE INDEX", StringComparison.Ordinal)))
            return PostDataKind.Index;
        if (type == "CONSTRAINT" && sql.StartsWith("ALTER TABLE", StringComparison.Ordinal) && sql.Contains(" ADD CONSTRAINT ", StringComparison.Ordinal))
            return PostDataKind.Index;
        return PostDataKind.InOrder;
    }

    private static IReadOnlyList<string> TablesOf(string sql)
    {
        var tables = new List<string>();
        if (sql.StartsWith("ALTER TABLE ", StringComparison.Ordinal))
        {
            int at = 12;
            if (sql.AsSpan(at).StartsWith("ONLY ")) at += 5;
            tables.Add(QualifiedName.Read(sql, at));
        }
        else
        {
            int on = sql.IndexOf(" ON ", StringComparison.Ordinal);
            if (on > 0)
            {
                int at = on + 4;
                if (sql.AsSpan(at).StartsWith("ONLY ")) at += 5;
                tables.Add(QualifiedName.Read(sql, at));
            }
        }
        int refs = sql.IndexOf(" REFERENCES ", StringComparison.Ordinal);
        if (refs > 0) tables.Add(QualifiedName.Read(sql, refs + 12));
        return tables;
    }
}

internal enum PostDataKind
{
    /// <summary>Indexes, primary keys, unique and other non-FK constraints: in parallel, biggest table first.</summary>
    Index,
    /// <summary>Foreign keys: in parallel once every key they may reference exists.</summary>
    ForeignKey,
    /// <summary>Everything else (triggers, rules, ACLs, comments, index attachments …): one by one in dump order.</summary>
    InOrder,
}
