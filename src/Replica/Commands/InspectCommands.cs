using System.ComponentModel;
using Replica.Cli.Output;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Core.Status;
using Replica.Postgres.Dumps;
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
        o.WriteLine($"  backup      {plan.Backup.Name}  ({plan.Dump.Flavour.ToWire()}{(plan.Dump.Gzipped ? ", gzip" : "")}, {Size.Format(plan.Backup.SizeBytes)}, {string.Join("/", plan.Backup.Kinds)}, taken {plan.Backup.Time:yyyy-MM-dd HH:mm:ss}Z)");
        o.WriteLine($"              {plan.Backup.Path}");
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
        o.WriteLine($"  steps       {string.Join(" → ", plan.Steps)}");
        foreach (var w in plan.Warnings ?? []) o.WriteLine($"  warning     {w}");
        o.WriteLine("Nothing was changed.");
        return 0;
    }
}

[Description("List the database backups of the source, newest first.")]
public sealed class BackupsCommand : AsyncCommand<JsonSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var source = env.Config.Source.DatabaseBackups;
        IReadOnlyList<Backup> backups;
        if (source.LocalPath is { } root)
        {
            var reading = new BackupCatalog(root).Read();
            foreach (var w in reading.Warnings) Console.Error.WriteLine($"warning: {w}");
            backups = reading.Backups;
        }
        else
        {
            var target = env.Config.Targets.Values.FirstOrDefault(t => t.Platform == PlatformNames.Kubernetes && !t.Protected)
                ?? throw new RefusedException("source.database_backups is not a local folder and no kubernetes target can mount it; give a folder path.");
            backups = await env.Platforms.For(env.Config, target).ListBackupsAsync(target, source, cancellationToken);
        }
        var damaged = env.Store.DamagedBackups();
        var rows = backups.Select(b =>
        {
            string flavour;
            try { var d = b.Inspect(); flavour = d.Flavour.ToWire(); }
            catch (DumpFormatException e) { flavour = "unreadable"; Console.Error.WriteLine($"warning: {e.Message}"); }
            var damage = DamagedBackups.Find(b, damaged);
            return new
            {
                name = b.Name, path = b.Path, kind = b.Kind, kinds = b.Kinds, time = b.Time, size_bytes = b.SizeBytes, flavour,
                damaged = damage is null ? null : new { run = damage.RunId, message = damage.Message, found = damage.Found },
            };
        }).ToList();
        if (settings.Json) { Json.Print(rows); return 0; }
        var table = new TextTable("TIME (UTC)", "IN", "SIZE", "FLAVOUR", "NAME", "DAMAGED");
        foreach (var r in rows)
            table.Add(r.time.ToString("yyyy-MM-dd HH:mm:ss"), string.Join(",", r.kinds), Size.Format(r.size_bytes), r.flavour, r.name,
                r.damaged is { } d ? $"yes: run {d.run} ({d.message})" : "");
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
            Json.Print(runs.Select(Describe).ToList());
            return 0;
        }
        if (runs.Count == 0) { Console.WriteLine("No runs yet."); return 0; }
        var table = new TextTable("ID", "TARGET", "WORKFLOW", "STATUS", "STARTED (UTC)", "TOOK", "MESSAGE");
        foreach (var r in runs)
            table.Add(r.Id, r.Target, r.Workflow, r.Status, r.Started.ToString("yyyy-MM-dd HH:mm:ss"),
                r.Ended is { } e ? ConsoleProgress.Seconds((e - r.Started).TotalSeconds) : "", r.Message ?? "");
        table.Print(Console.Out);
        return 0;
    }

    public static object Describe(RunRecord r) => new
    {
        id = r.Id, target = r.Target, workflow = r.Workflow, status = r.Status, started = r.Started, ended = r.Ended,
        parameters = r.Parameters.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value),
        message = r.Message,
    };
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
        Console.WriteLine($"run {run.Id}: {run.Workflow} {run.Target}, {run.Status}, started {run.Started:yyyy-MM-dd'T'HH:mm:ss'Z'}{(run.Ended is { } e ? $", ended {e:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "")}");
        foreach (var line in env.Store.Log(run.Id))
            Console.WriteLine($"{line.At:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {line.Level,-7} {line.Message}");
        Console.WriteLine("steps:");
        foreach (var s in env.Store.Steps(run.Id))
            Console.WriteLine($"  {s.Seq}. {s.Name}: {s.Outcome}{(s.Ended is { } se ? $" in {ConsoleProgress.Seconds((se - s.Started).TotalSeconds)}" : "")}{(s.Message is null ? "" : " — " + s.Message)}");
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
            Json.Print(all.Select(s => new
            {
                target = s.Target, platform = s.Platform, state = s.State, image_tag = s.ImageTag,
                backup = s.Backup is { } b ? new { name = b.Name, time = b.Time } : null,
                database = s.Database is { } d ? new { host = d.Host, port = d.Port, name = d.Database, user = d.User, url = d.Url } : null,
                media = s.MediaPath is { } m ? new { path = m } : null,
                stack = s.Stack is { } st ? new { url = st.Url } : null,
                last_run = s.LastRun is { } r ? RunsCommand.Describe(r) : null,
            }).ToList());
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
        }
        return 0;
    }
}
