using System.ComponentModel;
using Replica.Cli.Output;
using Replica.Core.Schedules;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

[Description("List the schedules of replica.yaml (fired by 'replica serve'): next five fire times in UTC and local time, the last fire and its run.")]
public sealed class SchedulesCommand : Command<JsonSettings>
{
    public override int Execute(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var schedules = ScheduleListing.Read(env.Config, env.Store, DateTimeOffset.UtcNow);
        if (settings.Json) { Json.Print(schedules); return 0; }
        if (schedules.Count == 0) { Console.WriteLine("No schedules in replica.yaml (see README: schedules)."); return 0; }
        foreach (var s in schedules)
        {
            var options = s.Options.Count == 0 ? "" : " " + string.Join(" ", s.Options.Select(o => $"{o.Key}={o.Value}"));
            Console.WriteLine($"{s.Name}: {s.Workflow} {s.Target}{options}, cron \"{s.Cron}\" in {s.TimeZone}{(s.CatchUpMinutes > 0 ? $", catch-up {s.CatchUpMinutes} min" : "")}");
            foreach (var n in s.Next) Console.WriteLine($"  next  {n.Utc:yyyy-MM-dd HH:mm}Z  ({n.Local})");
            Console.WriteLine(s.LastFire is { } f
                ? $"  last  {f.Time:yyyy-MM-dd HH:mm}Z: {f.Outcome}{(f.RunId is null ? "" : $" run {f.RunId}")}{(f.RunStatus is null ? "" : $" ({f.RunStatus})")}{(f.Message is null ? "" : " — " + f.Message)}"
                : "  last  never fired");
        }
        return 0;
    }
}
