using Npgsql;

namespace Replica.Postgres.Restore;

/// <summary>
/// A single-database dump grants to and assigns ownership to roles it does not create (pg_dump
/// writes no role definitions; production has them). Before a statement that names roles runs,
/// the ones the server lacks are created NOLOGIN without a password — they can own and be granted
/// to, but nobody can log in as them — and the log names them. Cluster dumps create their own roles.
/// </summary>
internal sealed class MissingRoles(Action<string> log)
{
    private readonly HashSet<string> _present = new(StringComparer.Ordinal);

    /// <summary>All roles created so far, in the order they were created.</summary>
    public List<string> Created { get; } = [];

    public async Task EnsureAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        var named = RoleReferences.In(sql);
        if (named.Count == 0) return;
        var unseen = named.Where(r => !_present.Contains(r)).Distinct().ToArray();
        if (unseen.Length == 0) return;

        var missing = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT r FROM unnest($1::text[]) AS r WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r)", c))
        {
            cmd.Parameters.AddWithValue(unseen);
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) missing.Add(reader.GetString(0));
        }
        var quote = new NpgsqlCommandBuilder();
        foreach (var role in missing)
        {
            try
            {
                await TargetServer.ExecuteAsync(c, $"CREATE ROLE {quote.QuoteIdentifier(role)} NOLOGIN", ct).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
            {
                // Created meanwhile by another session: it exists, which is all the dump needs.
            }
        }
        _present.UnionWith(unseen);
        if (missing.Count == 0) return;
        Created.AddRange(missing);
        log($"created role{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (NOLOGIN, no password): the dump grants to or is owned by {(missing.Count > 1 ? "them" : "it")} and this server had no such role");
    }
}
