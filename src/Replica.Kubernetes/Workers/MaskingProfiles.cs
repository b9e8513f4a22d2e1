using Replica.Kubernetes.Workers.Protocol;
using Replica.Dumps.Masking;
using Replica.Postgres.Restore.Masking;

namespace Replica.Kubernetes.Workers;

/// <summary>A masking profile to and from <see cref="MaskingProfileDocument"/>, for handing it to the restore Job.</summary>
public static class MaskingProfiles
{
    public static MaskingProfileDocument Document(MaskingProfile profile) => new(
        profile.Name,
        Convert.ToBase64String(profile.ExportKey()),
        profile.PiiColumns == PiiPolicy.Warn ? "warn" : "refuse",
        profile.Rules
            .GroupBy(r => TableName(r))
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, MaskingProfileDocument.Transformer>)g.ToDictionary(
                r => r.Column, r => new MaskingProfileDocument.Transformer(r.Spec.Name, r.Spec.Value, r.Spec.Parameters), StringComparer.Ordinal),
                StringComparer.Ordinal));

    /// <exception cref="MaskingProfileException">the document does not make a usable profile (one sentence).</exception>
    public static MaskingProfile Profile(MaskingProfileDocument document)
    {
        byte[] key;
        try { key = Convert.FromBase64String(document.Key); }
        catch (FormatException) { throw new MaskingProfileException($"The masking profile {document.Name} carries a key that is not base64; hand it over as replica writes it."); }
        var policy = document.PiiColumns switch
        {
            "refuse" => PiiPolicy.Refuse,
            "warn" => PiiPolicy.Warn,
            var other => throw new MaskingProfileException($"The masking profile {document.Name} has pii_columns '{other}'; write refuse or warn."),
        };
        var tables = document.Tables.ToDictionary(t => t.Key, t => (IReadOnlyDictionary<string, TransformerSpec>)t.Value.ToDictionary(
            c => c.Key, c => new TransformerSpec(c.Value.Name, c.Value.Value, c.Value.Parameters), StringComparer.Ordinal), StringComparer.Ordinal);
        return new MaskingProfile(key, tables, policy, document.Name);
    }

    /// <summary>The rule's table as replica.yaml names it; a part holding a dot or a quote is double-quoted so it reads back the same.</summary>
    private static string TableName(MaskingRule r) =>
        string.Join('.', new[] { r.Database, r.Schema, r.Table }.OfType<string>().Select(Part));

    private static string Part(string part) =>
        part.Contains('.') || part.StartsWith('"') ? "\"" + part.Replace("\"", "\"\"") + "\"" : part;
}
