using System.Text.Json;
using System.Text.Json.Nodes;
using Replica.Core.Launch;
using Replica.Core.Wire;

namespace Replica.Core.Notifications;

/// <summary>
/// The body of a notification: replica's own JSON document, or Slack blocks saying the same.
/// Never includes a password, the webhook URL or the secret.
/// </summary>
public static class NotificationMessage
{
    public static byte[] ForRun(RunFacts f, string @event, NotificationFormat format, string? publicUrl) =>
        Serialize(format == NotificationFormat.Slack ? SlackRun(f, @event, publicUrl) : JsonRun(f, @event, publicUrl));

    public static byte[] ForExpiring(string target, DateTimeOffset expires, DateTimeOffset now, NotificationFormat format, string? publicUrl)
    {
        var hoursLeft = Math.Max(0, Math.Round((expires - now).TotalHours, 1));
        var link = publicUrl is null ? null : Link(publicUrl, null);
        if (format == NotificationFormat.Json)
            return Serialize(new JsonObject
            {
                ["event"] = NotificationEvents.Expiring, ["target"] = target, ["expires"] = Utc(expires), ["hours_left"] = hoursLeft,
                ["extend"] = $"POST /api/targets/{target}/extend, or replica start {target}", ["url"] = link,
            });
        var text = $"replica: {target} expires at {Utc(expires)} ({hoursLeft} h left) and will then be stopped (media kept). Extend it on the page or with POST /api/targets/{target}/extend; a start resets the clock too.";
        var blocks = new JsonArray(Section(text));
        if (link is not null) blocks.Add(Section($"<{link}|Open replica>"));
        return Serialize(new JsonObject { ["text"] = text, ["blocks"] = blocks });
    }

    /// <summary>A schedule's fire that began no run (refused by a guard, or an error): the team hears of it as a failure.</summary>
    public static byte[] ForRefusedFire(Schedules.ScheduleConfig schedule, Runs.ScheduleFire fire, NotificationFormat format, string? publicUrl)
    {
        var link = publicUrl is null ? null : Link(publicUrl, null);
        if (format == NotificationFormat.Json)
            return Serialize(new JsonObject
            {
                ["event"] = NotificationEvents.Failed, ["run_id"] = null, ["target"] = schedule.Target, ["workflow"] = schedule.Request.Kind.ToRecorded(),
                ["outcome"] = fire.Outcome, ["launched_by"] = schedule.LaunchedBy, ["schedule"] = schedule.Name, ["fire_time"] = Utc(fire.FireTime),
                ["message"] = fire.Message, ["url"] = link,
            });
        var headline = $"{schedule.Request.Kind.ToRecorded()} {schedule.Target} {fire.Outcome} (schedule {schedule.Name})";
        var blocks = new JsonArray(
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = $"replica: {headline}" } },
            Section($"*The {Utc(fire.FireTime)} fire began no run*\n{fire.Message}"));
        if (link is not null) blocks.Add(Section($"<{link}|Open replica>"));
        return Serialize(new JsonObject { ["text"] = $":x: replica: {headline}", ["blocks"] = blocks });
    }

    private static JsonObject JsonRun(RunFacts f, string @event, string? publicUrl)
    {
        var r = f.Run;
        var failing = f.FailingStep;
        return new JsonObject
        {
            ["event"] = @event,
            ["run_id"] = r.Id,
            ["target"] = r.Target,
            ["workflow"] = r.Workflow,
            ["outcome"] = r.Status,
            ["launched_by"] = r.LaunchedBy,
            ["started"] = Utc(r.Started),
            ["ended"] = r.Ended is { } e ? Utc(e) : null,
            ["duration_seconds"] = f.Duration is { } d ? Math.Round(d.TotalSeconds, 1) : null,
            ["backup"] = f.BackupName is null ? null : new JsonObject
            {
                ["name"] = f.BackupName,
                ["time"] = f.BackupTime is { } bt ? Utc(bt) : null,
                ["age_hours"] = f.BackupAge is { } a ? Math.Round(a.TotalHours, 1) : null,
            },
            ["image_tag"] = f.ImageTag,
            ["steps"] = new JsonArray(f.Steps.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name, ["outcome"] = s.Outcome,
                ["seconds"] = s.Ended is { } se ? Math.Round((se - s.Started).TotalSeconds, 1) : null,
            }).ToArray()),
            ["failing_step"] = failing is null ? null : new JsonObject { ["name"] = failing.Name, ["message"] = failing.Message },
            ["message"] = r.Message,
            ["url"] = publicUrl is null ? null : Link(publicUrl, r.Id),
        };
    }

    private static JsonObject SlackRun(RunFacts f, string @event, string? publicUrl)
    {
        var r = f.Run;
        var icon = @event switch { "succeeded" => ":white_check_mark:", "failed" => ":x:", "cancelled" => ":heavy_minus_sign:", _ => ":arrow_forward:" };
        var headline = @event == NotificationEvents.Started
            ? $"{r.Workflow} {r.Target} started"
            : $"{r.Workflow} {r.Target} {r.Status}{(f.Duration is { } d ? " in " + RunLogText.Seconds(d.TotalSeconds) : "")}";
        var fields = new JsonArray(
            Field($"*Target*\n{r.Target}"),
            Field($"*Workflow*\n{r.Workflow}"),
            Field($"*Outcome*\n{r.Status}"),
            Field($"*Launched by*\n{r.LaunchedBy ?? "unknown"}"));
        if (f.BackupName is { } b)
            fields.Add(Field($"*Backup*\n{b}{(f.BackupAge is { } a ? $" ({Math.Round(a.TotalHours, 1)} h old)" : "")}"));
        if (f.ImageTag is { } tag) fields.Add(Field($"*Image tag*\n{tag}"));
        var blocks = new JsonArray(
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = $"replica: {headline}" } },
            new JsonObject { ["type"] = "section", ["fields"] = fields });
        if (f.Steps.Count > 0)
            blocks.Add(Section("*Steps*\n" + string.Join("\n", f.Steps.Select(s =>
                $"• {s.Name}: {s.Outcome}{(s.Ended is { } se ? " in " + RunLogText.Seconds((se - s.Started).TotalSeconds) : "")}"))));
        if (f.FailingStep is { } failing)
            blocks.Add(Section($"*Failed at {failing.Name}*\n{failing.Message}"));
        else if (r.Status == Runs.RunStatus.Failed && r.Message is { } m)
            blocks.Add(Section($"*Failed*\n{m}"));
        if (publicUrl is not null)
            blocks.Add(Section($"<{Link(publicUrl, r.Id)}|Run {r.Id} on replica>"));
        else
            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"run {r.Id} · replica logs {r.Id}" }) });
        return new JsonObject { ["text"] = $"{icon} replica: {headline}", ["blocks"] = blocks };
    }

    private static JsonObject Section(string markdown) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = markdown } };

    private static JsonObject Field(string markdown) => new() { ["type"] = "mrkdwn", ["text"] = markdown };

    private static string Link(string publicUrl, string? runId) =>
        publicUrl.TrimEnd('/') + "/" + (runId is null ? "" : $"#run={Uri.EscapeDataString(runId)}");

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);
}
