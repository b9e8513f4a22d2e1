using System.Text.RegularExpressions;

namespace Replica.Postgres.Restore;

/// <summary>
/// pg_dumpall re-creates every role, including the one replica connects as (the bootstrap superuser
/// of a fresh instance). Roles that exist are kept, and the connecting role keeps its password and
/// its ability to log in, so the instance stays reachable after the restore.
/// </summary>
internal static partial class RoleStatements
{
    [GeneratedRegex("""^CREATE ROLE ("(?:[^"]|"")+"|[^\s;]+);$""")]
    private static partial Regex CreateRole();

    [GeneratedRegex("""^ALTER ROLE ("(?:[^"]|"")+"|[^\s;]+) WITH """)]
    private static partial Regex AlterRoleWith();

    [GeneratedRegex("""\s+(?:ENCRYPTED\s+)?PASSWORD\s+(?:'(?:[^']|'')*'|NULL)""")]
    private static partial Regex PasswordClause();

    [GeneratedRegex("""\s+(?:NOLOGIN|NOSUPERUSER)\b""")]
    private static partial Regex LockoutClause();

    /// <summary>The role a "CREATE ROLE x;" statement creates, unquoted; null for other statements.</summary>
    public static string? CreatedRole(string sql)
    {
        var m = CreateRole().Match(sql);
        return m.Success ? Unquote(m.Groups[1].Value) : null;
    }

    /// <summary>For "ALTER ROLE {connecting user} WITH …": the statement without PASSWORD, NOLOGIN and NOSUPERUSER; otherwise unchanged.</summary>
    public static string KeepConnectingRole(string sql, string connectingUser)
    {
        var m = AlterRoleWith().Match(sql);
        if (!m.Success || Unquote(m.Groups[1].Value) != connectingUser) return sql;
        var kept = LockoutClause().Replace(PasswordClause().Replace(sql, ""), "");
        return kept.TrimEnd(';').TrimEnd().EndsWith(" WITH", StringComparison.Ordinal) ? "" : kept;
    }

    private static string Unquote(string name) =>
        name.StartsWith('"') ? name[1..^1].Replace("\"\"", "\"") : name;
}
