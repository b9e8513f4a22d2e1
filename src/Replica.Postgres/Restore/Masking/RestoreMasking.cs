using Replica.Postgres.Dumps;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// A masking profile applied to one restore: decides, as each table's COPY begins, which of its columns are
/// masked (refusing, before any row is sent, a column the profile cannot write or a personal-looking column it does
/// not cover when the policy is refuse), keeps every column's counts and fingerprints, and reports them.
/// </summary>
internal sealed class RestoreMasking(MaskingProfile profile, Action<string> log)
{
    private readonly List<ColumnMask> _masks = [];
    private readonly HashSet<(string, string, string)> _seen = [];
    private readonly List<Task> _verifications = [];

    public MaskingProfile Profile => profile;

    /// <summary>The masking of one COPY block, or null when none of its columns is masked.</summary>
    /// <param name="tables">the tables this database's CREATE TABLE statements made so far, by unquoted schema and name.</param>
    /// <exception cref="RestoreException">the profile cannot mask this table as it is in the dump.</exception>
    public TableMasking? ForCopy(string database, CopyStart copy, IReadOnlyDictionary<(string Schema, string Name), DumpTable> tables)
    {
        var (schema, name) = CreateTableStatement.SplitName(copy.Table);
        tables.TryGetValue((schema, name), out var table);
        var rules = profile.RulesFor(database, schema, name);
        lock (_seen) foreach (var r in rules) _seen.Add((r.Schema, r.Table, r.Column));
        if (table is not null) GatePersonalColumns(database, table, rules);

        var active = rules.Where(r => !r.Keeps).ToList();
        if (active.Count == 0) return null;
        if (table is null)
            throw new RestoreException($"The masking profile {profile.Name} masks {schema}.{name} in database {database}, but the backup loads it without a CREATE TABLE replica can read, so its columns cannot be checked; remove the table from the profile or report the dump.");
        var columns = CopyStatement.ColumnsOf(copy.Text, copy.Table)
            ?? throw new RestoreException($"The masking profile {profile.Name} masks {schema}.{name} in database {database}, but the backup's COPY of it has no column list; use a dump made by pg_dump.");
        var byPosition = new ColumnMask?[columns.Count];
        foreach (var rule in active)
        {
            var column = table.Column(rule.Column)
                ?? throw new RestoreException($"The masking profile {profile.Name} names column {schema}.{name}.{rule.Column}, which that table in database {database} does not have; fix the column's name or remove it from the profile.");
            if (rule.Transformer.Check(column) is { } why)
                throw new RestoreException($"The masking profile {profile.Name} cannot mask {schema}.{name}.{rule.Column} with {rule.Description}: {why}.");
            int at = columns.ToList().IndexOf(rule.Column);
            if (at < 0)
                throw new RestoreException($"The masking profile {profile.Name} masks {schema}.{name}.{rule.Column}, a column the backup carries no data for (a generated column); mark it keep.");
            var bypass = profile.BypassForTests.Contains($"{schema}.{name}.{rule.Column}");
            byPosition[at] = new ColumnMask(database, copy.Table, column, rule, profile.Key, bypass);
        }
        lock (_masks) _masks.AddRange(byPosition.OfType<ColumnMask>());
        return new TableMasking(byPosition);
    }

    private void GatePersonalColumns(string database, DumpTable table, IReadOnlyList<MaskingRule> rules)
    {
        var uncovered = table.Columns.Where(c => rules.All(r => r.Column != c.Name) && PiiColumns.Reason(c) is not null).Select(c => c.Name).ToList();
        if (uncovered.Count == 0) return;
        var list = string.Join(", ", uncovered.Select(c => $"{table.QualifiedName}.{c}"));
        if (profile.PiiColumns == PiiPolicy.Refuse)
            throw new RestoreException($"Columns that look personal are not covered by the masking profile {profile.Name} (database {database}: {list}); mask them, or mark them keep in the profile, or set pii_columns: warn.");
        log($"masking: columns that look personal are not masked (database {database}: {list})");
    }

    /// <summary>Columns the profile names that no COPY of this restore carried (the plan refuses them; the restore only says so).</summary>
    public IEnumerable<string> Unused()
    {
        lock (_seen) return profile.Rules.Where(r => !_seen.Contains((r.Schema, r.Table, r.Column))).Select(r => $"{r.TableName}.{r.Column}").ToList();
    }

    public IReadOnlyList<ColumnMask> Masks { get { lock (_masks) return _masks.ToList(); } }

    /// <summary>Starts verifying a table's masked columns as soon as its rows are committed.</summary>
    public void VerifyWhenLoaded(TableMasking table, Task loaded, TargetServer server, CancellationToken ct)
    {
        var verification = MaskingVerification.WhenLoadedAsync(profile, table, loaded, server, ct);
        lock (_verifications) _verifications.Add(verification);
    }

    /// <summary>Waits for every table's verification; the first leak found fails here. Returns the columns compared.</summary>
    public async Task<ISet<ColumnMask>> VerifiedAsync()
    {
        Task[] all;
        lock (_verifications) all = [.. _verifications];
        await Task.WhenAll(all).ConfigureAwait(false);
        return Masks.Where(m => m.Fingerprints is not null).ToHashSet();
    }

    public IReadOnlyList<MaskedColumnReport> Report(ISet<ColumnMask> verified) => Masks.Select(m =>
    {
        var (schema, name) = CreateTableStatement.SplitName(m.Table);
        return new MaskedColumnReport(m.Database, $"{schema}.{name}", m.Column.Name, m.Rule.Description, m.Masked, verified.Contains(m));
    }).ToList();
}

/// <summary>One masked column of one database after a restore: how many values its transformer replaced, and whether the verification compared the target's values with the source's.</summary>
public sealed record MaskedColumnReport(string Database, string Table, string Column, string Transformer, long Values, bool Verified);
