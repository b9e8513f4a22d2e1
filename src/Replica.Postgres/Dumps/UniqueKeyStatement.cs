using System.Text.RegularExpressions;

namespace Replica.Postgres.Dumps;

/// <summary>
/// Reads which single column a post-data statement makes unique: pg_dump's "ALTER TABLE ONLY t ADD CONSTRAINT c
/// PRIMARY KEY (col)" / "UNIQUE (col)" and "CREATE UNIQUE INDEX i ON t USING btree (col)".
/// </summary>
internal static partial class UniqueKeyStatement
{
    /// <summary>(quoted qualified table, unquoted column), or null when the statement makes no single column unique.</summary>
    public static (string Table, string Column)? Parse(string sql)
    {
        var m = ConstraintPattern().Match(sql);
        if (!m.Success) m = IndexPattern().Match(sql);
        if (!m.Success) return null;
        var column = m.Groups["col"].Value;
        return (m.Groups["table"].Value, column.StartsWith('"') ? column[1..^1].Replace("\"\"", "\"") : column);
    }

    private const string Name = @"(?:""(?:[^""]|"""")+""|[^\s.(),;""]+)";

    [GeneratedRegex(@"^ALTER TABLE (?:ONLY )?(?<table>" + Name + @"(?:\." + Name + @")?)\s+ADD CONSTRAINT " + Name + @" (?:PRIMARY KEY|UNIQUE) \((?<col>" + Name + @")\)", RegexOptions.Singleline)]
    private static partial Regex ConstraintPattern();

    [GeneratedRegex(@"^CREATE UNIQUE INDEX " + Name + @" ON (?:ONLY )?(?<table>" + Name + @"(?:\." + Name + @")?) USING \w+ \((?<col>" + Name + @")\)(?:;| WHERE| INCLUDE)", RegexOptions.Singleline)]
    private static partial Regex IndexPattern();
}
