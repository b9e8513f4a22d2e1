using YamlDotNet.RepresentationModel;

namespace Replica.Core.Config;

/// <summary>
/// A YAML mapping read with its line numbers, so every error names the key, the line
/// and the fix. Unknown keys are errors, not silently ignored. Platform modules read their own keys with it.
/// </summary>
public sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    public string Path { get; }

    public YamlMap(YamlMappingNode node, string file, string path)
    {
        _node = node;
        _file = file;
        Path = path;
    }

    public int Line => (int)_node.Start.Line;

    public string File => _file;

    public IEnumerable<(string Key, YamlNode Value)> Entries =>
        _node.Children.Select(kv => (((YamlScalarNode)kv.Key).Value ?? "", kv.Value));

    public void AllowOnly(params string[] keys)
    {
        foreach (var (k, v) in _node.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (Array.IndexOf(keys, key) < 0)
                throw Error(k, $"unknown key '{Qualify(key)}'", $"the keys allowed here are {string.Join(", ", keys)}");
        }
    }

    public YamlNode? Node(string key) =>
        _node.Children.TryGetValue(new YamlScalarNode(key), out var v) && !IsNull(v) ? v : null;

    public string? String(string key)
    {
        var n = Node(key);
        if (n is null) return null;
        if (n is YamlScalarNode s) return s.Value;
        throw Error(n, $"'{Qualify(key)}' must be a text value", "write it as key: value");
    }

    public string RequiredString(string key, string hint) =>
        String(key) ?? throw Fail($"'{Qualify(key)}' is missing", hint);

    public bool? Bool(string key)
    {
        var n = Node(key);
        if (n is null) return null;
        if (n is YamlScalarNode s && bool.TryParse(s.Value, out var b)) return b;
        throw Error(n, $"'{Qualify(key)}' must be true or false", "write true or false");
    }

    public int? Int(string key)
    {
        var n = Node(key);
        if (n is null) return null;
        if (n is YamlScalarNode s && int.TryParse(s.Value, out var i) && i > 0) return i;
        throw Error(n, $"'{Qualify(key)}' must be a positive whole number", "write a number such as 80");
    }

    public YamlMap? Map(string key)
    {
        var n = Node(key);
        if (n is null) return null;
        if (n is YamlMappingNode m) return new YamlMap(m, _file, Qualify(key));
        throw Error(n, $"'{Qualify(key)}' must be a mapping", "write its keys indented below it, or as { key: value }");
    }

    public IReadOnlyList<string>? StringList(string key)
    {
        var n = Node(key);
        if (n is null) return null;
        if (n is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode))
            return seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
        throw Error(n, $"'{Qualify(key)}' must be a list of names", "write it as [a, b]");
    }

    /// <summary>An error about this mapping as a whole, at its first line.</summary>
    public ConfigException Fail(string what, string fix) => new(_file, Line, $"{what}; {fix}");

    public string Qualify(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public ConfigException Error(YamlNode at, string what, string fix) =>
        new(_file, (int)at.Start.Line, $"{what}; {fix}");

    private static bool IsNull(YamlNode n) =>
        n is YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain };
}

/// <summary>A configuration error: names the file and line.</summary>
public sealed class ConfigException(string file, int line, string detail)
    : RefusedException($"{file}, line {line}: {detail}.");
