using System.Text;
using Npgsql;
using Replica.Postgres.Instances;

namespace Replica.Postgres.Tests.Restore;

/// <summary>
/// A text description of what a server or database holds — roles, memberships, owners, grants,
/// row counts and a content hash per table, sequence values, views, functions, large objects —
/// so that a restored copy can be compared with its source line by line.
/// </summary>
internal static class Fingerprint
{
    private static readonly string[] ClusterQueries =
    [
        // The connecting role's password is the instance's own; every other role must match exactly.
        "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, CASE WHEN rolname = current_user THEN 'self' ELSE rolpassword END FROM pg_authid WHERE rolname !~ '^pg_' ORDER BY 1",
        "SELECT r.rolname, m.rolname, a.admin_option FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE r.rolname !~ '^pg_' ORDER BY 1, 2",
        "SELECT coalesce(d.datname, '-'), r.rolname, s.setconfig::text FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase JOIN pg_roles r ON r.oid = s.setrole ORDER BY 1, 2",
        "SELECT datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datacl::text FROM pg_database WHERE datname <> 'template0' ORDER BY 1",
    ];

    private static readonly string[] DatabaseQueries =
    [
        "SELECT extname, extversion FROM pg_extension ORDER BY 1",
        "SELECT nspname, pg_get_userbyid(nspowner), nspacl::text FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1",
        "SELECT n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relacl::text, c.relispartition FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1, 2",
        "SELECT a.attrelid::regclass::text, a.attname, a.attacl::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attacl IS NOT NULL AND n.nspname !~ '^pg_' ORDER BY 1, 2",
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint WHERE connamespace::regnamespace::text !~ '^pg_' AND connamespace::regnamespace::text <> 'information_schema' ORDER BY 1, 2",
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1",
        "SELECT schemaname, sequencename, last_value, start_value, increment_by FROM pg_sequences ORDER BY 1, 2",
        "SELECT schemaname, viewname, viewowner, definition FROM pg_views WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
        "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), md5(pg_get_functiondef(p.oid)), pg_get_userbyid(p.proowner), p.proacl::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prokind <> 'a' ORDER BY 1, 2, 3",
        "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
        "SELECT oid, pg_get_userbyid(lomowner), lomacl::text, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY 1",
        "SELECT pg_get_userbyid(defaclrole), defaclnamespace::regnamespace::text, defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 2, 3",
        "SELECT c.relname, d.objsubid, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass ORDER BY 1, 2",
    ];

    public static async Task<string> OfClusterAsync(PostgresInstance pg, params string[] databases)
    {
        var sb = new StringBuilder();
        await using (var c = await OpenAsync(pg, "postgres"))
            foreach (var q in ClusterQueries) await AppendAsync(c, q, sb);
        foreach (var db in databases)
        {
            sb.Append("== database ").Append(db).Append('\n');
            sb.Append(await OfDatabaseAsync(pg, db));
        }
        return sb.ToString();
    }

    public static async Task<string> OfDatabaseAsync(PostgresInstance pg, string database)
    {
        var sb = new StringBuilder();
        await using var c = await OpenAsync(pg, database);
        foreach (var q in DatabaseQueries) await AppendAsync(c, q, sb);
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1", c))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        foreach (var t in tables)
            await AppendAsync(c, $"SELECT '{t.Replace("'", "''")}', count(*), md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM {t} x", sb);
        return sb.ToString();
    }

    public static async Task<long> RowsAsync(PostgresInstance pg, string database, string table)
    {
        await using var c = await OpenAsync(pg, database);
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {table}", c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<string> ScalarAsync(PostgresInstance pg, string database, string sql)
    {
        await using var c = await OpenAsync(pg, database);
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToString(await cmd.ExecuteScalarAsync()) ?? "";
    }

    /// <summary>Every row of a query, its columns joined by '|'.</summary>
    public static async Task<List<string>> RowsTextAsync(PostgresInstance pg, string database, string sql)
    {
        var rows = new List<string>();
        await using var c = await OpenAsync(pg, database);
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "∅" : Convert.ToString(r.GetValue(i)))));
        return rows;
    }

    private static async Task<NpgsqlConnection> OpenAsync(PostgresInstance pg, string database)
    {
        var c = new NpgsqlConnection(pg.ConnectionString(database));
        await c.OpenAsync();
        return c;
    }

    private static async Task AppendAsync(NpgsqlConnection c, string sql, StringBuilder sb)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            for (int i = 0; i < r.FieldCount; i++)
            {
                if (i > 0) sb.Append(" | ");
                sb.Append(r.IsDBNull(i) ? "∅" : r.GetValue(i) is Array a ? string.Join(",", a.Cast<object>()) : Convert.ToString(r.GetValue(i)));
            }
            sb.Append('\n');
        }
        sb.Append("--\n");
    }
}
