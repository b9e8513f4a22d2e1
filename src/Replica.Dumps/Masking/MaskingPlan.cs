namespace Replica.Dumps.Masking;

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
}

/// <summary>A column the restore will mask: where, its type, and the transformer as printed ("hash (length 12)", "keep").</summary>
public sealed record PlannedMask(string Database, string Table, string Column, string Type, string Transformer);

/// <summary>A column that looks personal (and why) that the profile does not name.</summary>
public sealed record PiiColumn(string Database, string Table, string Column, string Type, string Reason)
{
    /// <summary>"schema.table.column" (with the database when it is not the only one, as the caller prefers).</summary>
    public string Name => $"{Table}.{Column}";
}
