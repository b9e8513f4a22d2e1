using System.Text;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore.Masking.Transformers;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// Which columns a restore masks and how: tables → columns → transformer, keyed by a secret so the deterministic
/// transformers give the same output on every refresh. Tables are named <c>schema.table</c> (in every database of a
/// cluster dump) or <c>database.schema.table</c> (in that database only; for a single-database dump, the database it is
/// restored into); the three-part name wins over the two-part one for the same column. Names are as in the catalog
/// (unquoted, case as stored); a part may be double-quoted when it holds a dot.
/// Everything is checked here: a bad name, transformer or parameter throws <see cref="MaskingProfileException"/>.
/// </summary>
public sealed class MaskingProfile
{
    /// <summary>Shortest key accepted, in bytes: a short key would let anyone holding a masked copy guess the originals by trying.</summary>
    public const int MinimumKeyBytes = 16;

    private readonly byte[] _key;
    private readonly List<MaskingRule> _rules = [];

    /// <param name="key">the secret of the deterministic transformers (UTF-8), at least 16 bytes.</param>
    /// <param name="tables">table name → column name → transformer.</param>
    /// <param name="piiColumns">what to do about personal-looking columns the profile does not cover.</param>
    /// <param name="name">the profile's name in messages (e.g. "developer").</param>
    public MaskingProfile(string key, IReadOnlyDictionary<string, IReadOnlyDictionary<string, TransformerSpec>> tables, PiiPolicy piiColumns = PiiPolicy.Refuse, string name = "masking")
        : this(Encoding.UTF8.GetBytes(key ?? ""), tables, piiColumns, name) { }

    public MaskingProfile(byte[] key, IReadOnlyDictionary<string, IReadOnlyDictionary<string, TransformerSpec>> tables, PiiPolicy piiColumns = PiiPolicy.Refuse, string name = "masking")
    {
        Name = name;
        PiiColumns = piiColumns;
        if (key is null || key.Length < MinimumKeyBytes)
            throw new MaskingProfileException($"The masking profile {name} has a key of {key?.Length ?? 0} bytes; set its key to a secret of at least {MinimumKeyBytes} characters (e.g. key: ${{REPLICA_MASKING_KEY}}).");
        _key = key.ToArray();
        foreach (var (table, columns) in tables)
        {
            var (database, schema, tableName) = ParseTable(table);
            foreach (var (column, spec) in columns)
            {
                Transformer transformer;
                try { transformer = TransformerRegistry.Create(spec); }
                catch (FormatException e) { throw new MaskingProfileException($"The masking profile {name}, column {table}.{column}: {e.Message.TrimEnd('.')}."); }
                _rules.Add(new MaskingRule(database, schema, tableName, column, spec, transformer));
            }
        }
    }

    /// <summary>The profile a spec of replica.yaml describes, every transformer built and checked.</summary>
    /// <exception cref="MaskingProfileException">a bad table name, transformer, parameter or key.</exception>
    public static MaskingProfile From(MaskingProfileSpec spec) => new(spec.Key, spec.Tables, spec.PiiColumns, spec.Name);

    public string Name { get; }
    public PiiPolicy PiiColumns { get; }

    /// <summary>Every column the profile names, with its transformer (keep included).</summary>
    public IReadOnlyList<MaskingRule> Rules => _rules;

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>A copy of the key, for handing the profile to a restore worker through a secret store (a Kubernetes Secret); never print it.</summary>
    public byte[] ExportKey() => _key.ToArray();

    /// <summary>Test-only: "schema.table.column" names whose transformer is skipped (values pass unchanged), to prove the verification catches a leak.</summary>
    internal IReadOnlySet<string> BypassForTests { get; init; } = new HashSet<string>();

    /// <summary>The rules of one table in one database: a database.schema.table rule wins over a schema.table one.</summary>
    internal IReadOnlyList<MaskingRule> RulesFor(string database, string schema, string table) =>
        _rules.Where(r => r.Schema == schema && r.Table == table && (r.Database is null || r.Database == database))
            .GroupBy(r => r.Column).Select(g => g.OrderBy(r => r.Database is null ? 1 : 0).First()).ToList();

    private (string? Database, string Schema, string Table) ParseTable(string name)
    {
        var parts = new List<string>();
        int i = 0;
        var n = name.Trim();
        while (i < n.Length)
        {
            int used;
            parts.Add(n[i] == '"' ? CreateTableStatement.ReadIdentifier(n[i..], out used) : ReadBare(n, i, out used));
            i += used;
            if (i < n.Length && n[i] == '.') i++;
            else if (i < n.Length) { parts.Clear(); break; }
        }
        if (parts.Count is not (2 or 3) || parts.Any(p => p.Length == 0))
            throw new MaskingProfileException($"The masking profile {Name} names the table '{name}'; write it as schema.table (e.g. public.auth_user) or database.schema.table.");
        return parts.Count == 3 ? (parts[0], parts[1], parts[2]) : (null, parts[0], parts[1]);
    }

    /// <summary>An unquoted part runs to the next dot (it may hold spaces: names are as in the catalog).</summary>
    private static string ReadBare(string s, int at, out int used)
    {
        int dot = s.IndexOf('.', at);
        var end = dot < 0 ? s.Length : dot;
        used = end - at;
        return s[at..end];
    }

    public override string ToString() => $"MaskingProfile {{ Name = {Name}, Columns = {_rules.Count}, PiiColumns = {PiiColumns} }}"; // never the key
}

/// <summary>One column of a profile: where (database null: every database), which column, and how it is masked.</summary>
public sealed record MaskingRule(string? Database, string Schema, string Table, string Column, TransformerSpec Spec)
{
    internal MaskingRule(string? database, string schema, string table, string column, TransformerSpec spec, Transformer transformer)
        : this(database, schema, table, column, spec) => Transformer = transformer;

    internal Transformer Transformer { get; } = null!;

    /// <summary>The transformer and its parameters as the plan prints them.</summary>
    public string Description => Transformer.Description;

    public bool Keeps => Transformer is KeepTransformer;

    /// <summary>"db.schema.table" or "schema.table".</summary>
    public string TableName => Database is null ? $"{Schema}.{Table}" : $"{Database}.{Schema}.{Table}";
}
