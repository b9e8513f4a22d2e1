using Replica.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Replica.Core.Notifications;

/// <summary>Reads `notifications:`; values are checked at load, environment variables only when sending.</summary>
internal static class NotificationConfigReader
{
    public static IReadOnlyDictionary<string, NotificationConfig> Read(YamlMap? map, string configPath)
    {
        var list = new Dictionary<string, NotificationConfig>(StringComparer.Ordinal);
        if (map is null) return list;
        foreach (var (name, node) in map.Entries)
        {
            if (node is not YamlMappingNode)
                throw map.Error(node, $"'notifications.{name}' must be a mapping", "give it url, format and on");
            var n = map.Map(name)!;
            n.AllowOnly("url", "format", "on", "targets", "secret", "expiring_lead_hours");
            var url = n.RequiredString("url", "give the webhook URL, or ${ENV_NAME} to take it from the environment");
            if (!url.Contains("${", StringComparison.Ordinal) && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
                throw n.Error(n.Node("url")!, $"'{n.Path}.url' is not an http(s) URL", "give https://… or ${ENV_NAME}");
            var formatText = n.String("format") ?? "json";
            var format = formatText switch
            {
                "slack" => NotificationFormat.Slack,
                "json" => NotificationFormat.Json,
                _ => throw n.Error(n.Node("format")!, $"'{n.Path}.format' is '{formatText}'", "write slack or json"),
            };
            var on = n.StringList("on") ?? throw n.Fail($"'{n.Path}.on' is missing", $"list the events, e.g. on: [failed, succeeded]; they are {string.Join(", ", NotificationEvents.All)}");
            foreach (var e in on)
                if (!NotificationEvents.All.Contains(e))
                    throw n.Error(n.Node("on")!, $"'{n.Path}.on' has '{e}'", $"the events are {string.Join(", ", NotificationEvents.All)}");
            var globs = n.StringList("targets") ?? ["*"];
            foreach (var g in globs)
                if (!System.Text.RegularExpressions.Regex.IsMatch(g, "^[a-z0-9*?-]+$"))
                    throw n.Error(n.Node("targets")!, $"'{n.Path}.targets' has '{g}', which is not a target glob", "use target names with * and ?, e.g. [\"staging\", \"dev-*\"]");
            list[name] = new NotificationConfig(name, url, format, on.ToHashSet(StringComparer.Ordinal), globs, n.String("secret"),
                n.Int("expiring_lead_hours") ?? NotificationConfig.DefaultExpiringLeadHours, configPath,
                (int)n.Node("url")!.Start.Line, n.Node("secret") is { } sn ? (int)sn.Start.Line : 0);
        }
        return list;
    }
}
