namespace Replica.Postgres.Restore.Masking.Transformers;

/// <summary>Every transformer a profile may name; docs/masking.md documents the same list.</summary>
internal static class TransformerRegistry
{
    public static IReadOnlyList<TransformerKind> All { get; } =
    [
        EmailTransformer.Kind, FirstNameTransformer.Kind, LastNameTransformer.Kind, HashTransformer.Kind, ConstantTransformer.Kind,
        NullValueTransformer.Kind, NoiseDateTransformer.Kind, NoiseIntTransformer.Kind, KeepTransformer.Kind,
    ];

    public static TransformerKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>Builds the transformer a spec names; <see cref="FormatException"/> says what is wrong and how to write it.</summary>
    public static Transformer Create(TransformerSpec spec)
    {
        var kind = Find(spec.Name) ?? throw new FormatException($"there is no transformer '{spec.Name}'; use one of {string.Join(", ", All.Select(k => k.Name))}");
        var values = new Dictionary<string, string>();
        if (spec.Parameters is not null)
            foreach (var (key, value) in spec.Parameters)
            {
                if (!kind.Parameters.Contains(key))
                    throw new FormatException(kind.Parameters.Length == 0
                        ? $"{kind.Name} takes no parameters, but '{key}' is given; write it as {kind.Example}"
                        : $"{kind.Name} has no parameter '{key}' (it has {string.Join(", ", kind.Parameters)}); write it as {kind.Example}");
                values[key] = value;
            }
        if (spec.Value is not null)
        {
            if (kind.MainParameter is null)
                throw new FormatException($"{kind.Name} takes no value, but '{spec.Value}' is given; write it as {kind.Example}");
            values[kind.MainParameter] = spec.Value;
        }
        return kind.Create(new TransformerArgs(kind.Name, values, kind.Example));
    }
}
