using System.ComponentModel;
using Replica.Cli.Output;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Core.Status;
using Replica.Core.Wire;
using Replica.Dumps;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

[Description("Print what 'start' would do — backup, its flavour and size, image tag, media volume — changing nothing.")]
public sealed class PlanStartCommand : AsyncCommand<StartSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StartSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var plan = await env.Workflows.PlanStartAsync(settings.ToRequest(), cancellationToken);
        var o = Console.Out;
        o.WriteLine($"replica start {plan.Target} would, on platform {plan.Platform}:");
        if (plan.Backup is { } backup)
        {
            o.WriteLine($"  backup      {backup.Name}  ({plan.Dump!.Flavour.ToWire()}{(plan.Dump.Gzipped ? ", gzip" : "")}, {Size.Format(backup.SizeBytes)}, {string.Join("/", backup.Kinds)}, taken {backup.Time:yyyy-MM-dd HH:mm:ss}Z)");
            o.WriteLine($"              {backup.Path}");
        }
        else
            o.WriteLine($"  backup      not chosen yet: {plan.BackupUnlisted}");
        o.WriteLine($"  image tag   {plan.ImageTag}{(plan.ImageTagGiven ? " (given; equals production's)" : " (production's)")}");
        o.WriteLine($"  media       {plan.MediaLocation} — {(plan.DbOnly ? "not synced (--db-only)" : plan.MediaExists ? "exists: only what changed is copied" : "new: everything is copied")}");
        if (plan.Previous?.Database is not null)
            o.WriteLine(plan.SideBySide
                ? $"  refresh     side by side: the new database is prepared beside the running one ({plan.Previous.BackupName}, run {plan.Previous.RestoredBy}), which serves until the switch"
                : $"  refresh     in place (--in-place): the running stack and database are stopped first");
        else
            o.WriteLine("  refresh     first start: no database to keep");
        if (plan.Footprint is { } f && plan.SideBySide)
            o.WriteLine($"  disk        about {(f.UsedBytes is { } u ? Size.Format(u) : "unknown")} more on {f.Volume} while both databases exist ({(f.FreeBytes is { } fr ? Size.Format(fr) + " free" : "free space unknown")})");
        if (plan.Masking is { } masking)
        {
            o.WriteLine($"  masking     profile {masking.Profile}: {masking.Masked.Count} column(s) masked in the restore stream, before any row reaches the server ({plan.MaskingCheckedBy})");
            foreach (var m in masking.Masked) o.WriteLine($"              {m.Database}.{m.Table}.{m.Column} ({m.Type}) → {m.Transformer}");
        }
        else if (plan.MaskingCheckedBy is { } how)
            o.WriteLine($"  masking     profile {env.Config.Target(plan.Target).Masking?.Name}: {how}");
        o.WriteLine($"  steps       {string.Join(" → ", plan.Steps)}");
        foreach (var w in plan.Warnings ?? []) o.WriteLine($"  warning     {w}");
        // Truthful: what planning did on the platform and undid is said, never "nothing" after a change.
        o.WriteLine(plan.Changes is { } changes ? $"plan {changes}; nothing else was changed." : "Nothing was changed.");
        return 0;
    }
}

[Description("List the database backups of the source, newest first.")]
public sealed class BackupsCommand : AsyncCommand<JsonSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var backups = await new SourceBackups(env.Config, env.Store, env.Platforms).ListAsync(cancellationToken, w => Console.Error.WriteLine($"warning: {w}"),
            changes => Console.Error.WriteLine($"replica: {changes}; nothing else was changed"));
        foreach (var b in backups)
            if (b.Problem is { } problem) Console.Error.WriteLine($"warning: {problem}");
        if (settings.Json) { Json.Print(backups.Select(BackupJson.From).ToList()); return 0; }
        var table = new TextTable("TIME (UTC)", "IN", "SIZE", "FLAVOUR", "NAME", "DAMAGED");
        foreach (var r in backups)
            table.Add(r.Time.ToString("yyyy-MM-dd HH:mm:ss"), string.Join(",", r.Kinds), Size.Format(r.SizeBytes), r.Flavour, r.Name,
                r.Damaged is { } d ? $"yes: run {d.RunId} ({d.Message})" : "");
        table.Print(Console.Out);
        return 0;
    }
}

public sealed class RunsSettings : JsonSettings
{
    [CommandOption("--target <TARGET>")]
    [Description("only this target's runs")]
    public string? Target { get; init; }
}

[Description("List runs, newest first.")]
public sealed class RunsCommand : Command<RunsSettings>
{
    public override int Execute(CommandContext context, RunsSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        if (settings.Target is { } t) env.Config.Target(t);
        var runs = env.Store.ListRuns(settings.Target);
        if (settings.Json)
        {
            Json.Print(runs.Select(RunJson.From).ToList());
            return 0;
        }
        if (runs.Count == 0) { Console.WriteLine("No runs yet."); return 0; }
        var table = new TextTable("ID", "TARGET", "WORKFLOW", "STATUS", "STARTED (UTC)", "TOOK", "LAUNCHED BY", "MESSAGE");
        foreach (var r in runs)
            table.Add(r.Id, r.Target, r.Workflow, r.Status, r.Started.ToString("yyyy-MM-dd HH:mm:ss"),
                r.Ended is { } e ? ConsoleProgress.Seconds((e - r.Started).TotalSeconds) : "", r.LaunchedBy ?? "", r.Message ?? "");
        table.Print(Console.Out);
        return 0;
    }
}

public sealed class LogsSettings : ReplicaSettings
{
    [CommandArgument(0, "<RUN_ID>")]
    public string RunId { get; init; } = "";
}

[Description("Print a run's log and its steps.")]
public sealed class LogsCommand : Command<LogsSettings>
{
    public override int Execute(CommandContext context, LogsSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var run = env.Store.FindRun(settings.RunId)
            ?? throw new RefusedException($"There is no run '{settings.RunId}'; 'replica runs' lists them.");
        RunLogText.Write(env.Store, run, Console.Out);
        return 0;
    }
}

public sealed class StatusSettings : JsonSettings
{
    [CommandArgument(0, "[TARGET]")]
    public string? Target { get; init; }
}

[Description("Show each target: state, image tag, backup, database, media, stack, last run.")]
public sealed class StatusCommand : AsyncCommand<StatusSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StatusSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var all = await new TargetStatusReader(env.Config, env.Store, env.Platforms).ReadAsync(settings.Target, cancellationToken,
            repaired => Console.Error.WriteLine($"replica: repaired {repaired}"));
        if (settings.Json)
        {
            Json.Print(all.Select(s => TargetJson.From(s, withPassword: true)).ToList());
            return 0;
        }
        foreach (var s in all)
        {
            Console.WriteLine($"{s.Target} ({s.Platform}): {s.State}");
            if (s.ImageTag is not null) Console.WriteLine($"  image tag  {s.ImageTag}");
            if (s.Backup is { } b) Console.WriteLine($"  backup     {b.Name}");
            if (s.Database is { } d) Console.WriteLine($"  database   {d.RedactedUrl}  (replica status --json shows the password)");
            if (s.MediaPath is { } m) Console.WriteLine($"  media      {m}");
            if (s.Stack is { } st) Console.WriteLine($"  stack      {st.Url}");
            if (s.LastRun is { } r) Console.WriteLine($"  last run   {r.Id}: {r.Workflow}, {r.Status}{(r.Message is null ? "" : " — " + r.Message)}");
            if (s.Expires is { } x) Console.WriteLine($"  expires    {x:yyyy-MM-dd HH:mm}Z (then stopped by replica serve; replica start or POST /api/targets/{s.Target}/extend resets it)");
        }
        return 0;
    }
}
