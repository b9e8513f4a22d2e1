namespace Replica.Postgres.Restore;

/// <summary>
/// The SET statements a dump issued so far in one database (search_path, default_tablespace …),
/// so that parallel connections run each statement under the same settings as psql would.
/// Immutable: every change yields a new snapshot, compared by reference.
/// </summary>
internal sealed class SessionSettings
{
    public static readonly SessionSettings Empty = new([]);
    private readonly (string Name, string Sql)[] _settings;
    private SessionSettings((string, string)[] settings) => _settings = settings;

    public IEnumerable<string> Statements => _settings.Select(s => s.Sql);

    /// <summary>The setting a statement changes ("SET x = …" or "SELECT pg_catalog.set_config('x', …)"), or null.</summary>
    public static string? SettingOf(string sql)
    {
        if (sql.StartsWith("SET ", StringComparison.Ordinal))
        {
            var rest = sql[4..].TrimStart();
            int end = rest.IndexOfAny([' ', '=']);
            return end > 0 ? rest[..end].ToLowerInvariant() : null;
        }
        const string setConfig = "SELECT pg_catalog.set_config('";
        if (sql.StartsWith(setConfig, StringComparison.Ordinal))
        {
            int end = sql.IndexOf('\'', setConfig.Length);
            return end > 0 ? sql[setConfig.Length..end].ToLowerInvariant() : null;
        }
        return null;
    }

    public SessionSettings With(string name, string sql)
    {
        var list = _settings.Where(s => s.Name != name).Append((name, sql)).ToArray();
        return new SessionSettings(list);
    }
}
