namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>
/// A masking profile as the restore Job reads it (`restore-db --masking-profile-file`), key included (base64): it
/// travels only in a Secret mounted as a file, never in arguments, a ConfigMap or a log. Tables are named as in
/// replica.yaml (`schema.table`, `database.schema.table`, a part with a dot in double quotes).
/// </summary>
public sealed record MaskingProfileDocument(
    string Name,
    string Key,
    string PiiColumns,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, MaskingProfileDocument.Transformer>> Tables)
{
    public sealed record Transformer(string Name, string? Value = null, IReadOnlyDictionary<string, string>? Parameters = null);

    public override string ToString() => $"MaskingProfileDocument {{ Name = {Name}, Tables = {Tables.Count} }}"; // never the key
}

/// <summary>One masked column in the restore's summary: how many values were masked, and whether none of the source's is left.</summary>
public sealed record MaskedColumn(string Database, string Table, string Column, string Transformer, long Values, bool Verified);
