namespace Replica.Dumps.Masking;

/// <summary>
/// How a profile asks for one column to be masked, as written in replica.yaml: a transformer's name alone
/// (<c>email</c>), with its one main value (<c>{ noise_date: 30d }</c>, <c>{ constant: "!" }</c>), or with named
/// parameters (<c>{ hash: { length: 12 } }</c>). Checked against the transformer when the profile is built.
/// </summary>
public sealed record TransformerSpec(string Name, string? Value = null, IReadOnlyDictionary<string, string>? Parameters = null)
{
    /// <summary>
    /// Reads the one-line forms <c>email</c>, <c>noise_date: 30d</c>, <c>constant: !</c> and <c>hash(length=12)</c>.
    /// Whether the name and values are right is checked when the profile is built.
    /// </summary>
    public static TransformerSpec Parse(string text)
    {
        var t = text.Trim();
        int open = t.IndexOf('(');
        if (open > 0 && t.EndsWith(')'))
        {
            var args = new Dictionary<string, string>();
            foreach (var part in t[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = part.IndexOf('=');
                if (eq < 0) return new TransformerSpec(t[..open].Trim(), part);
                args[part[..eq].Trim()] = part[(eq + 1)..].Trim();
            }
            return new TransformerSpec(t[..open].Trim(), null, args);
        }
        int colon = t.IndexOf(':');
        return colon > 0 ? new TransformerSpec(t[..colon].Trim(), t[(colon + 1)..].Trim().Trim('"')) : new TransformerSpec(t);
    }

    public override string ToString() =>
        Parameters is { Count: > 0 } p ? $"{Name}({string.Join(", ", p.Select(kv => $"{kv.Key}={kv.Value}"))})"
        : Value is not null ? $"{Name}: {Value}" : Name;
}

/// <summary>What the plan and the restore do about columns that look personal and that the profile does not cover.</summary>
public enum PiiPolicy
{
    /// <summary>Refuse the plan and the restore, naming the columns.</summary>
    Refuse,
    /// <summary>List them and go on.</summary>
    Warn,
}
