using System.Text.RegularExpressions;

namespace Replica.Postgres.Restore;

/// <summary>
/// The roles a dump statement names as they are written by pg_dump: owners (ALTER … OWNER TO),
/// grantees (GRANT … TO, REVOKE … FROM, default privileges FOR ROLE … and their grantees, CREATE
/// POLICY … TO), SET SESSION AUTHORIZATION and CREATE USER MAPPING FOR. A single-database dump
/// names these roles but never creates them.
/// </summary>
internal static partial class RoleReferences
{
    private const string Role = """(?:"(?:[^"]|"")+"|[^\s,;()"]+)""";
    private const string Roles = Role + @"(?:\s*,\s*" + Role + ")*";

    [GeneratedRegex(@"\sOWNER TO (" + Role + @")\s*;$", RegexOptions.Singleline)]
    private static partial Regex OwnerTo();

    [GeneratedRegex(@"^GRANT .+ TO (" + Roles + @")(?: WITH (?:GRANT|ADMIN) OPTION)?(?: GRANTED BY (" + Role + @"))?\s*;$", RegexOptions.Singleline)]
    private static partial Regex Grant();

    [GeneratedRegex(@"^REVOKE .+ FROM (" + Roles + @")(?: GRANTED BY (" + Role + @"))?(?: CASCADE| RESTRICT)?\s*;$", RegexOptions.Singleline)]
    private static partial Regex Revoke();

    [GeneratedRegex(@"^ALTER DEFAULT PRIVILEGES (?:FOR (?:ROLE|USER) (" + Roles + @") )?(?:IN SCHEMA .+? )?((?:GRANT|REVOKE) .+)$", RegexOptions.Singleline)]
    private static partial Regex DefaultPrivileges();

    [GeneratedRegex(@"^CREATE POLICY .+ FOR (?:ALL|SELECT|INSERT|UPDATE|DELETE) TO (" + Roles + @")(?: USING \(| WITH CHECK \(|\s*;$)", RegexOptions.Singleline)]
    private static partial Regex Policy();

    [GeneratedRegex(@"^SET SESSION AUTHORIZATION (?:'((?:[^']|'')+)'|(" + Role + @"))\s*;$")]
    private static partial Regex SessionAuthorization();

    [GeneratedRegex(@"^CREATE USER MAPPING (?:IF NOT EXISTS )?FOR (" + Role + ") SERVER ")]
    private static partial Regex UserMapping();

    [GeneratedRegex(Role)]
    private static partial Regex OneRole();

    /// <summary>The roles <paramref name="sql"/> names, unquoted, without PUBLIC and the CURRENT_USER-like keywords.</summary>
    public static IReadOnlyList<string> In(string sql)
    {
        var found = new List<string>();
        Collect(sql.Trim(), found);
        return found;
    }

    private static void Collect(string sql, List<string> into)
    {
        // Cheap first test: most statements name no role.
        if (sql.StartsWith("GRANT ", StringComparison.Ordinal))
            Add(Grant().Match(sql), into);
        else if (sql.StartsWith("REVOKE ", StringComparison.Ordinal))
            Add(Revoke().Match(sql), into);
        else if (sql.StartsWith("ALTER DEFAULT PRIVILEGES ", StringComparison.Ordinal))
        {
            var m = DefaultPrivileges().Match(sql);
            if (!m.Success) return;
            AddList(m.Groups[1].Value, into);
            Collect(m.Groups[2].Value, into);
        }
        else if (sql.StartsWith("ALTER ", StringComparison.Ordinal))
            Add(OwnerTo().Match(sql), into);
        else if (sql.StartsWith("CREATE POLICY ", StringComparison.Ordinal))
            Add(Policy().Match(sql), into);
        else if (sql.StartsWith("CREATE USER MAPPING ", StringComparison.Ordinal))
            Add(UserMapping().Match(sql), into);
        else if (sql.StartsWith("SET SESSION AUTHORIZATION ", StringComparison.Ordinal))
        {
            var m = SessionAuthorization().Match(sql);
            if (!m.Success) return;
            if (m.Groups[1].Success) into.Add(m.Groups[1].Value.Replace("''", "'"));
            else AddList(m.Groups[2].Value, into);
        }
    }

    private static void Add(Match m, List<string> into)
    {
        if (!m.Success) return;
        for (int g = 1; g < m.Groups.Count; g++)
            if (m.Groups[g].Success) AddList(m.Groups[g].Value, into);
    }

    private static void AddList(string list, List<string> into)
    {
        foreach (Match m in OneRole().Matches(list))
        {
            var name = m.Value;
            if (name.StartsWith('"')) into.Add(name[1..^1].Replace("\"\"", "\""));
            else if (!IsKeyword(name)) into.Add(name.ToLowerInvariant()); // unquoted names fold to lower case
        }
    }

    private static bool IsKeyword(string name) =>
        name.Equals("PUBLIC", StringComparison.OrdinalIgnoreCase) || name.Equals("CURRENT_USER", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("SESSION_USER", StringComparison.OrdinalIgnoreCase) || name.Equals("CURRENT_ROLE", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase) || name.Equals("GROUP", StringComparison.OrdinalIgnoreCase);
}
