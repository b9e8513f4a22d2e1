namespace Replica.Core.Runs;

/// <summary>An API token as stored: its name, role and target globs, never the token itself (only its hash).</summary>
public sealed record TokenRecord(string Name, string Role, IReadOnlyList<string> Targets, DateTimeOffset Created, DateTimeOffset? LastUsed);

public sealed partial class RunStore
{
    /// <returns>false when a token of that name exists already.</returns>
    public bool AddToken(string name, string hash, string role, IReadOnlyList<string> targets)
    {
        var added = false;
        Write(c =>
        {
            using var q = c.CreateCommand();
            q.CommandText = "SELECT count(*) FROM tokens WHERE name = $n";
            q.Parameters.AddWithValue("$n", name);
            if (Convert.ToInt32(q.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0) return;
            Execute(c, "INSERT INTO tokens (name, hash, role, targets, created) VALUES ($n, $h, $r, $t, $c)",
                ("$n", name), ("$h", hash), ("$r", role), ("$t", string.Join(',', targets)), ("$c", Time(DateTimeOffset.UtcNow)));
            added = true;
        });
        return added;
    }

    public TokenRecord? FindTokenByHash(string hash) =>
        Query("SELECT name, role, targets, created, last_used FROM tokens WHERE hash = $h", MapToken, ("$h", hash)).FirstOrDefault();

    public IReadOnlyList<TokenRecord> ListTokens() =>
        Query("SELECT name, role, targets, created, last_used FROM tokens ORDER BY name", MapToken);

    /// <returns>false when there is no token of that name.</returns>
    public bool RevokeToken(string name)
    {
        if (!Exists) return false;
        var removed = false;
        Write(c =>
        {
            using var q = c.CreateCommand();
            q.CommandText = "DELETE FROM tokens WHERE name = $n";
            q.Parameters.AddWithValue("$n", name);
            removed = q.ExecuteNonQuery() > 0;
        });
        return removed;
    }

    public void TouchToken(string name) =>
        Write(c => Execute(c, "UPDATE tokens SET last_used = $t WHERE name = $n", ("$t", Time(DateTimeOffset.UtcNow)), ("$n", name)));

    private static TokenRecord MapToken(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries), ParseTime(r.GetString(3)), OptionalTime(r, 4));
}
