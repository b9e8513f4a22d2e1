using Replica.Kubernetes.Tests.Simulation.Api;

namespace Replica.Kubernetes.Tests.Simulation.Selectors;

/// <summary>
/// The `labelSelector` query syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
/// joined by commas (all must hold).
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = new();

    public static readonly LabelSelector Everything = new();

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text)) return selector;
        foreach (var part in SplitTopLevel(text))
            selector._requirements.Add(ParseRequirement(part.Trim(), text));
        return selector;
    }

    /// <summary>A `matchLabels` map (a StatefulSet's or Job's selector) as a selector.</summary>
    public static LabelSelector FromMatchLabels(IReadOnlyDictionary<string, string> matchLabels)
    {
        var selector = new LabelSelector();
        foreach (var (k, v) in matchLabels)
            selector._requirements.Add(l => l.TryGetValue(k, out var actual) && actual == v);
        return selector;
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part, string whole)
    {
        if (part.Length == 0) throw Bad(whole);
        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2 && (words[1].StartsWith("in ", StringComparison.Ordinal) || words[1].StartsWith("in(", StringComparison.Ordinal)
                                  || words[1].StartsWith("notin", StringComparison.Ordinal)))
        {
            var key = words[0];
            var negate = words[1].StartsWith("notin", StringComparison.Ordinal);
            var rest = words[1][(negate ? 5 : 2)..].Trim();
            if (!rest.StartsWith('(') || !rest.EndsWith(')')) throw Bad(whole);
            var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            return negate
                ? l => !l.TryGetValue(key, out var v) || !values.Contains(v)
                : l => l.TryGetValue(key, out var v) && values.Contains(v);
        }
        int ne = part.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
        {
            var (k, v) = (part[..ne].Trim(), part[(ne + 2)..].Trim());
            return l => !l.TryGetValue(k, out var actual) || actual != v;
        }
        int eq = part.IndexOf('=');
        if (eq > 0)
        {
            var k = part[..eq].Trim();
            var v = part[(eq + (part.AsSpan(eq).StartsWith("==") ? 2 : 1))..].Trim();
            return l => l.TryGetValue(k, out var actual) && actual == v;
        }
        if (part.StartsWith('!'))
        {
            var k = part[1..].Trim();
            return l => !l.ContainsKey(k);
        }
        if (part.Any(c => char.IsWhiteSpace(c) || c is '(' or ')')) throw Bad(whole);
        return l => l.ContainsKey(part);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0) { yield return text[start..i]; start = i + 1; }
        }
        yield return text[start..];
    }

    private static ApiException Bad(string whole) =>
        ApiException.BadRequest($"unable to parse requirement: found '{whole}', expected: identifier");
}
