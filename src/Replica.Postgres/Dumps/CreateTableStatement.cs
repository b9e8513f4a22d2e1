using System.Text.RegularExpressions;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Dumps;

/// <summary>
/// Reads the columns of pg_dump's "CREATE TABLE schema.name ( col type …, … );" statements: one column or
/// table constraint per element, the type up to the first column constraint keyword.
/// </summary>
internal static partial class CreateTableStatement
{
    private static readonly string[] ConstraintWords = ["NOT", "NULL", "DEFAULT", "COLLATE", "GENERATED", "CONSTRAINT", "CHECK", "REFERENCES", "UNIQUE", "PRIMARY", "COMPRESSION"];
    private static readonly string[] TableConstraintWords = ["CONSTRAINT", "CHECK", "PRIMARY", "UNIQUE", "FOREIGN", "EXCLUDE", "LIKE"];

    /// <summary>The table a "CREATE TABLE" statement creates, or null when it is not one this reads (CREATE TABLE … OF type, AS …).</summary>
    public static DumpTable? Parse(string database, string sql)
    {
        if (!sql.StartsWith("CREATE ", StringComparison.Ordinal)) return null;
        int at = sql.IndexOf("TABLE ", StringComparison.Ordinal);
        if (at < 0 || at > 30) return null;
        at += 6;
        if (sql.AsSpan(at).StartsWith("IF NOT EXISTS ")) at += 14;
        var name = QualifiedName.Read(sql, at);
        var (schema, table) = SplitName(name);
        int open = at + name.Length;
        while (open < sql.Length && sql[open] == ' ') open++;
        if (open >= sql.Length || sql[open] != '(') return null;
        int close = MatchingParen(sql, open);
        if (close < 0) return null;
        var columns = new List<DumpColumn>();
        foreach (var element in SplitTopLevel(sql[(open + 1)..close]))
        {
            var e = element.Trim();
            if (e.Length == 0) continue;
            var first = e.StartsWith('"') ? "" : e.Split(' ', 2)[0];
            if (TableConstraintWords.Contains(first)) continue;
            var column = ReadIdentifier(e, out int after);
            var rest = e[after..].Trim();
            var words = SplitWords(rest);
            int typeEnd = words.FindIndex(w => ConstraintWords.Contains(w.Text));
            var type = typeEnd < 0 ? rest : rest[..words[typeEnd].Start].Trim();
            bool notNull = words.Select((w, i) => w.Text == "NOT" && i + 1 < words.Count && words[i + 1].Text == "NULL").Any(x => x) || words.Any(w => w.Text == "PRIMARY");
            columns.Add(new DumpColumn(column, type, LengthOf(type), notNull));
        }
        return new DumpTable(database, schema, table, columns);
    }

    /// <summary>"public.\"Mixed Case\"" → ("public", "Mixed Case"); an unqualified name is in public.</summary>
    public static (string Schema, string Name) SplitName(string qualified)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < qualified.Length)
        {
            parts.Add(ReadIdentifier(qualified[i..], out int used));
            i += used;
            if (i < qualified.Length && qualified[i] == '.') i++;
            else break;
        }
        return parts.Count >= 2 ? (parts[^2], parts[^1]) : ("public", parts.Count == 1 ? parts[0] : qualified);
    }

    /// <summary>A quoted ("a""b") or bare identifier at the start of <paramref name="s"/>; bare ones end at a space, dot, parenthesis or comma.</summary>
    public static string ReadIdentifier(string s, out int used)
    {
        if (s.StartsWith('"'))
        {
            var sb = new System.Text.StringBuilder();
            int i = 1;
            while (i < s.Length)
            {
                if (s[i] == '"')
                {
                    if (i + 1 < s.Length && s[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                    used = i + 1;
                    return sb.ToString();
                }
                sb.Append(s[i++]);
            }
            used = s.Length;
            return sb.ToString();
        }
        int end = 0;
        while (end < s.Length && s[end] is not (' ' or '.' or '(' or ')' or ',' or '\n' or ';')) end++;
        used = end;
        return s[..end];
    }

    private static int? LengthOf(string type)
    {
        var m = LengthPattern().Match(type);
        if (m.Success) return int.Parse(m.Groups[2].Value);
        return type is "character" or "char" or "bpchar" ? 1 : null;
    }

    [GeneratedRegex(@"^(character varying|varchar|character|char|bpchar)\((\d+)\)$")]
    private static partial Regex LengthPattern();

    private static int MatchingParen(string s, int open)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\'' || c == '"') { i = SkipQuoted(s, i); continue; }
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private static int SkipQuoted(string s, int at)
    {
        char q = s[at];
        for (int i = at + 1; i < s.Length; i++)
            if (s[i] == q) { if (i + 1 < s.Length && s[i + 1] == q) i++; else return i; }
        return s.Length;
    }

    private static List<string> SplitTopLevel(string body)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c == '\'' || c == '"') { i = SkipQuoted(body, i); continue; }
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) { parts.Add(body[start..i]); start = i + 1; }
        }
        parts.Add(body[start..]);
        return parts;
    }

    /// <summary>Words outside quotes and parentheses, with where each starts.</summary>
    private static List<(string Text, int Start)> SplitWords(string s)
    {
        var words = new List<(string, int)>();
        int depth = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\'' || c == '"') { i = SkipQuoted(s, i); continue; }
            if (c == '(') { depth++; continue; }
            if (c == ')') { depth--; continue; }
            if (depth == 0 && char.IsLetter(c) && (i == 0 || s[i - 1] is ' ' or '\n' or '\t'))
            {
                int j = i;
                while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] == '_')) j++;
                words.Add((s[i..j], i));
                i = j - 1;
            }
        }
        return words;
    }
}
