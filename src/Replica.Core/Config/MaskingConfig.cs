using Replica.Dumps.Masking;
using YamlDotNet.RepresentationModel;

namespace Replica.Core.Config;

/// <summary>
/// The `masking:` profiles of replica.yaml, built (and their transformers' parameters checked) when
/// the file is read — by the restore engine's check the executable registers — so a mistake is an error of the
/// file naming the key and the line.
/// </summary>
internal static class MaskingConfig
{
    public static IReadOnlyDictionary<string, MaskingProfileSpec> Read(YamlMap? map, Func<MaskingProfileSpec, string?>? check)
    {
        var profiles = new Dictionary<string, MaskingProfileSpec>(StringComparer.Ordinal);
        if (map is null) return profiles;
        foreach (var (name, node) in map.Entries)
        {
            if (node is not YamlMappingNode m)
                throw map.Error(node, $"'masking.{name}' must be a mapping", "give it a key, tables and pii_columns");
            var profile = new YamlMap(m, map.File, $"masking.{name}");
            profile.AllowOnly("key", "tables", "pii_columns");
            var key = Expand(profile, "key", profile.RequiredString("key", "give the secret that keys the deterministic transformers, e.g. key: ${REPLICA_MASKING_KEY}"));
            var policy = profile.String("pii_columns") switch
            {
                null or "refuse" => PiiPolicy.Refuse,
                "warn" => PiiPolicy.Warn,
                var other => throw profile.Error(profile.Node("pii_columns")!, $"'masking.{name}.pii_columns' is '{other}'", "write refuse or warn"),
            };
            var tablesMap = profile.Map("tables") ?? throw profile.Fail($"'masking.{name}.tables' is missing", "name the tables and the transformer of each column to mask");
            var tables = new Dictionary<string, IReadOnlyDictionary<string, TransformerSpec>>(StringComparer.Ordinal);
            foreach (var (table, columnsNode) in tablesMap.Entries)
            {
                if (columnsNode is not YamlMappingNode cm)
                    throw tablesMap.Error(columnsNode, $"'masking.{name}.tables.{table}' must be a mapping of columns", "write column: transformer, e.g. email: email");
                var columns = new Dictionary<string, TransformerSpec>(StringComparer.Ordinal);
                foreach (var (column, spec) in new YamlMap(cm, map.File, $"masking.{name}.tables.{table}").Entries)
                    columns[column] = Spec(tablesMap, spec, $"masking.{name}.tables.{table}.{column}");
                tables[table] = columns;
            }
            var built = new MaskingProfileSpec(name, key, tables, policy);
            if (check?.Invoke(built) is { } wrong) throw profile.Fail(wrong.TrimEnd('.'), "see docs/masking.md for each transformer's parameters");
            profiles[name] = built;
        }
        return profiles;
    }

    /// <summary>`email`, `{ constant: "!" }`, `{ noise_date: 30d }`, `{ hash: { length: 12 } }`.</summary>
    private static TransformerSpec Spec(YamlMap at, YamlNode node, string key)
    {
        switch (node)
        {
            case YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value):
                return new TransformerSpec(s.Value!.Trim());
            case YamlMappingNode m when m.Children.Count == 1:
                var (nameNode, value) = m.Children.Single();
                var name = ((YamlScalarNode)nameNode).Value ?? "";
                return value switch
                {
                    YamlScalarNode v => new TransformerSpec(name, v.Value),
                    YamlMappingNode p => new TransformerSpec(name, null, p.Children.ToDictionary(
                        c => ((YamlScalarNode)c.Key).Value ?? "", c => (c.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)),
                    _ => throw at.Error(node, $"'{key}' has a transformer with an unreadable parameter", "write e.g. { hash: { length: 12 } }"),
                };
            default:
                throw at.Error(node, $"'{key}' names no transformer", "write one of email, first_name, last_name, hash, constant, null_value, noise_date, noise_int, keep");
        }
    }

    /// <summary>A value written as ${NAME} is read from the environment (secrets stay out of the file).</summary>
    public static string Expand(YamlMap map, string key, string value)
    {
        if (!value.StartsWith("${", StringComparison.Ordinal) || !value.EndsWith('}')) return value;
        var variable = value[2..^1];
        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set
            ? set
            : throw map.Error(map.Node(key)!, $"'{map.Qualify(key)}' reads ${variable}, which is not set", $"export {variable} before running replica");
    }
}
