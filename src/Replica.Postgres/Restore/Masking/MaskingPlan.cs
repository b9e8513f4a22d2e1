using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore.Masking;

/// <summary>Checks a masking profile against the schema of the backup it will be applied to (the data of the answer is <see cref="MaskingPlan"/>).</summary>
public static class MaskingPlans
{
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
