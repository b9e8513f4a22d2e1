using Cronos;
using Replica.Core.Config;
using Replica.Core.Launch;
using YamlDotNet.RepresentationModel;

namespace Replica.Core.Schedules;

/// <summary>
/// Reads `schedules:`. Every mistake is an error of replica.yaml at load, naming the key and
/// its line, so a bad schedule never reaches the server (and never stops the good ones).
/// </summary>
internal static class ScheduleConfigReader
{
    private static readonly string[] OptionKeys = ["image_tag", "from_backup", "max_age_hours", "db_only", "remove_media", "in_place", "allow_media_delete"];

    public static IReadOnlyDictionary<string, ScheduleConfig> Read(YamlMap? map, IReadOnlyDictionary<string, TargetConfig> targets)
    {
        var schedules = new Dictionary<string, ScheduleConfig>(StringComparer.Ordinal);
        if (map is null) return schedules;
        foreach (var (name, node) in map.Entries)
        {
            if (node is not YamlMappingNode)
                throw map.Error(node, $"'schedules.{name}' must be a mapping", "give it target, workflow and cron");
            if (!TargetName.IsValid(name))
                throw map.Error(node, $"schedule name '{name}' is not allowed", "use lower-case letters, digits and dashes");
            schedules[name] = ReadOne(name, map.Map(name)!, targets);
        }
        return schedules;
    }

    private static ScheduleConfig ReadOne(string name, YamlMap s, IReadOnlyDictionary<string, TargetConfig> targets)
    {
        s.AllowOnly("target", "workflow", "cron", "time_zone", "options", "catch_up_minutes");
        var target = s.RequiredString("target", "name the target the schedule refreshes, e.g. target: staging");
        if (!targets.TryGetValue(target, out var t))
            throw s.Error(s.Node("target")!, $"'{s.Path}.target' is '{target}', which is not under targets", $"name one of {string.Join(", ", targets.Keys.Order())}");
        if (t.Protected)
            throw s.Error(s.Node("target")!, $"'{s.Path}.target' is '{target}', a protected target", "schedule a target replica may write");

        var cron = s.RequiredString("cron", "give five cron fields, e.g. cron: \"30 2 * * *\"");
        CronExpression expression;
        try { expression = CronExpression.Parse(cron, CronFormat.Standard); }
        catch (CronFormatException e)
        {
            throw s.Error(s.Node("cron")!, $"'{s.Path}.cron' is '{cron}', not a five-field cron ({e.Message.TrimEnd('.')})", "write minute hour day-of-month month day-of-week, e.g. \"30 2 * * *\"");
        }

        var zoneName = s.String("time_zone") ?? "UTC";
        TimeZoneInfo zone;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw s.Error(s.Node("time_zone")!, $"'{s.Path}.time_zone' is '{zoneName}', which is not a known time zone", "give an IANA name such as Europe/London or UTC");
        }

        var workflowNode = s.Node("workflow");
        var workflow = s.RequiredString("workflow", "give start, stop, wipe or upgrade");
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        YamlNode optionsAt = workflowNode!;
        string? imageTag = null, fromBackup = null;
        int? maxAge = null;
        bool dbOnly = false, removeMedia = false, inPlace = false, allowDelete = false;
        if (s.Map("options") is { } o)
        {
            optionsAt = s.Node("options")!;
            o.AllowOnly(OptionKeys);
            imageTag = o.String("image_tag");
            fromBackup = o.String("from_backup");
            maxAge = o.Int("max_age_hours");
            dbOnly = o.Bool("db_only") ?? false;
            removeMedia = o.Bool("remove_media") ?? false;
            inPlace = o.Bool("in_place") ?? false;
            allowDelete = o.Bool("allow_media_delete") ?? false;
            foreach (var (key, value) in o.Entries) options[key] = (value as YamlScalarNode)?.Value;
        }
        LaunchRequest request;
        try
        {
            request = new LaunchRequest(target, WorkflowKinds.Parse(workflow, dbOnly), imageTag, fromBackup, maxAge, removeMedia, inPlace, allowDelete);
            request.Validate();
        }
        catch (InvalidLaunchException e)
        {
            var at = e.Message.StartsWith("Workflow", StringComparison.Ordinal) ? workflowNode! : optionsAt;
            throw s.Error(at, $"'{s.Path}' cannot launch: {e.Message.TrimEnd('.')}", "fix the schedule's workflow or options");
        }
        var catchUp = s.Int("catch_up_minutes") ?? 0;
        return new ScheduleConfig(name, request, options, cron, expression, zone, catchUp);
    }
}
