using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// What a masking profile will do to a backup, known before anything is restored: each masked column with its
/// transformer, the profile's mistakes against the dump (a table or column it lacks, a transformer that cannot write
/// a column), and the drift gate's list of personal-looking columns the profile does not cover.
/// </summary>
public sealed record MaskingPlan(string Profile, PiiPolicy Policy, IReadOnlyList<PlannedMask> Masked, IReadOnlyList<PiiColumn> UncoveredPii, IReadOnlyList<string> Errors)
{
    /// <summary>The restore must not run: the profile is wrong for this dump, or personal-looking columns are uncovered under pii_columns: refuse.</summary>
    public bool Refused => Errors.Count > 0 || (Policy == PiiPolicy.Refuse && UncoveredPii.Count > 0);

    /// <summary>One sentence saying why the plan is refused and how to fix it, or null.</summary>
    public string? Refusal => Errors.Count > 0 ? Errors[0]
        : Refused ? $"The masking profile {Profile} does not cover {UncoveredPii.Count} column(s) that look personal ({string.Join(", ", UncoveredPii.Take(8).Select(p => p.Name))}{(UncoveredPii.Count > 8 ? ", …" : "")}); mask them, or mark them keep in the profile, or set pii_columns: warn."
        : null;

    /// <summary>Checks a profile against the schema of the backup it will be applied to.</summary>
    public static MaskingPlan For(MaskingProfile profile, DumpSchema schema, string backup)
    {
        var errors = new List<string>();
        var masked = new List<PlannedMask>();
        foreach (var rule in profile.Rules)
        {
            var tables = schema.Tables.Where(t => t.Schema == rule.Schema && t.Name == rule.Table && (rule.Database is null || t.Database == rule.Database)).ToList();
            if (tables.Count == 0)
            {
                errors.Add($"The masking profile {profile.Name} names table {rule.TableName}, which backup {backup} does not have; fix the table's name or remove it from the profile.");
                continue;
            }
            foreach (var table in tables)
            {
                // A database.schema.table rule replaces the schema.table one in its database.
                if (rule.Database is null && profile.Rules.Any(r => r.Database == table.Database && r.Schema == rule.Schema && r.Table == rule.Table && r.Column == rule.Column)) continue;
                var column = table.Column(rule.Column);
                if (column is null)
                {
                    errors.Add($"The masking profile {profile.Name} names column {rule.TableName}.{rule.Column}, which table {table.QualifiedName} (database {table.Database}) in backup {backup} does not have; fix the column's name or remove it from the profile.");
                    continue;
                }
                if (rule.Transformer.Check(column) is { } why)
                    errors.Add($"The masking profile {profile.Name} cannot mask {table.QualifiedName}.{column.Name} (database {table.Database}) with {rule.Description}: {why}.");
                masked.Add(new PlannedMask(table.Database, table.QualifiedName, column.Name, column.Type, rule.Description));
            }
        }

        var uncovered = new List<PiiColumn>();
        foreach (var table in schema.Tables)
        {
            var rules = profile.RulesFor(table.Database, table.Schema, table.Name);
            foreach (var column in table.Columns)
                if (rules.All(r => r.Column != column.Name) && PiiColumns.Reason(column) is { } reason)
                    uncovered.Add(new PiiColumn(table.Database, table.QualifiedName, column.Name, column.Type, reason));
        }
        return new MaskingPlan(profile.Name, profile.PiiColumns, masked, uncovered, errors);
    }
}

/// <summary>A column the restore will mask: where, its type, and the transformer as printed ("hash (length 12)", "keep").</summary>
public sealed record PlannedMask(string Database, string Table, string Column, string Type, string Transformer);

/// <summary>A column that looks personal (and why) that the profile does not name.</summary>
public sealed record PiiColumn(string Database, string Table, string Column, string Type, string Reason)
{
    /// <summary>"schema.table.column" (with the database when it is not the only one, as the caller prefers).</summary>
    public string Name => $"{Table}.{Column}";
}
