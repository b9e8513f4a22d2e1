namespace Replica.Postgres.Dumps;

/// <summary>The tables a backup creates and their columns, read without restoring it (for plans and masking).</summary>
public sealed record DumpSchema(IReadOnlyList<DumpTable> Tables)
{
    /// <summary>The table in a database, by its unquoted schema and name; null when the dump lacks it.</summary>
    public DumpTable? Find(string database, string schema, string name) =>
        Tables.FirstOrDefault(t => t.Database == database && t.Schema == schema && t.Name == name);
}

/// <summary>One table of one database of the dump; names are unquoted (as in the catalog).</summary>
public sealed record DumpTable(string Database, string Schema, string Name, IReadOnlyList<DumpColumn> Columns)
{
    /// <summary>"schema.name", unquoted.</summary>
    public string QualifiedName => $"{Schema}.{Name}";

    public DumpColumn? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);
}

/// <summary>A column as pg_dump declares it: its type as written, its length limit (varchar(n), char(n)), NOT NULL, and whether it alone is a unique key.</summary>
public sealed record DumpColumn(string Name, string Type, int? Length, bool NotNull)
{
    /// <summary>The column alone is a primary key, a unique constraint or a unique index (learnt from the post-data).</summary>
    public bool Unique { get; init; }

    /// <summary>What kind of value the column holds, for the transformers that read or write values of a kind.</summary>
    public ColumnKind Kind => ColumnKinds.Of(Type);
}

/// <summary>The value kinds masking distinguishes.</summary>
public enum ColumnKind { Text, Integer, Date, Timestamp, TimestampTz, Network, Other }

internal static class ColumnKinds
{
    public static ColumnKind Of(string type)
    {
        var t = type.ToLowerInvariant();
        if (t.EndsWith("[]", StringComparison.Ordinal)) return ColumnKind.Other;
        var bare = t.IndexOf('(') is var p and > 0 ? t[..p] + t[(t.IndexOf(')') + 1)..] : t;
        return bare switch
        {
            "text" or "character varying" or "varchar" or "character" or "char" or "bpchar" or "citext" or "public.citext" or "name" => ColumnKind.Text,
            "smallint" or "integer" or "bigint" or "int" or "int2" or "int4" or "int8" => ColumnKind.Integer,
            "date" => ColumnKind.Date,
            "timestamp without time zone" or "timestamp" => ColumnKind.Timestamp,
            "timestamp with time zone" or "timestamptz" => ColumnKind.TimestampTz,
            "inet" or "cidr" or "macaddr" or "macaddr8" => ColumnKind.Network,
            _ => ColumnKind.Other,
        };
    }

    /// <summary>The smallest and largest value of an integer type.</summary>
    public static (long Min, long Max) IntegerRange(string type) => type.ToLowerInvariant() switch
    {
        "smallint" or "int2" => (short.MinValue, short.MaxValue),
        "integer" or "int" or "int4" => (int.MinValue, int.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };
}
