namespace Replica.Dumps.Masking;

/// <summary>
/// A `masking:` profile of replica.yaml as written: its key, tables → columns → transformer, and the policy for
/// uncovered personal-looking columns. Data only: the restore engine builds its transformers from it (and says
/// what is wrong with it).
/// </summary>
/// <param name="Tables">table name (schema.table or database.schema.table) → column → transformer.</param>
public sealed record MaskingProfileSpec(
    string Name,
    string Key,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, TransformerSpec>> Tables,
    PiiPolicy PiiColumns = PiiPolicy.Refuse)
{
    public override string ToString() => $"MaskingProfileSpec {{ Name = {Name}, Tables = {Tables.Count}, PiiColumns = {PiiColumns} }}"; // never the key
}
