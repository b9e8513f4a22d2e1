using Replica.Postgres.Restore.Masking.Transformers;

namespace Replica.Postgres.Restore.Masking;

/// <summary>The transformers a profile may name, for help texts and validation messages outside the engine.</summary>
public static class MaskingTransformers
{
    /// <summary>Name, one-line summary and a replica.yaml example of each transformer, in documentation order.</summary>
    public static IReadOnlyList<(string Name, string Summary, string Example)> All { get; } =
        TransformerRegistry.All.Select(k => (k.Name, k.Summary, k.Example)).ToList();
}
