using System.ComponentModel;
using Replica.Cli.Output;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

[Description("Refresh a target from production: new database restored from a backup, stack on production's tag, media synced.")]
public sealed class StartCommand : AsyncCommand<StartSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StartSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        using var cancel = Cancellation.FromConsole(cancellationToken);
        var progress = ConsoleProgress.ForConsole();
        var result = await env.Workflows.StartAsync(settings.ToRequest(), progress, cancel.Token);
        progress.Finish();
        return RunSummary.Print(result, Console.Out);
    }
}

public sealed class StopSettings : TargetSettings
{
    [CommandOption("--remove-media")]
    [Description("also delete the media volume (by default it is kept so the next start copies only what changed)")]
    public bool RemoveMedia { get; init; }
}

[Description("Stop a target: stack and database go (with the database volume); the media volume stays.")]
public sealed class StopCommand : AsyncCommand<StopSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StopSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        using var cancel = Cancellation.FromConsole(cancellationToken);
        var progress = ConsoleProgress.ForConsole();
        var result = await env.Workflows.StopAsync(settings.Target, settings.RemoveMedia, progress, cancel.Token);
        progress.Finish();
        return RunSummary.Print(result, Console.Out);
    }
}

[Description("Stop a target, delete its media, and remove every trace of it (run history is kept).")]
public sealed class WipeCommand : AsyncCommand<TargetSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TargetSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        using var cancel = Cancellation.FromConsole(cancellationToken);
        var progress = ConsoleProgress.ForConsole();
        var result = await env.Workflows.WipeAsync(settings.Target, progress, cancel.Token);
        progress.Finish();
        return RunSummary.Print(result, Console.Out);
    }
}

public sealed class UpgradeSettings : TargetSettings
{
    [CommandOption("--image-tag <TAG>")]
    [Description("the tag to run the stack on (any tag: the database was restored already)")]
    public string? ImageTag { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(ImageTag)
            ? Spectre.Console.ValidationResult.Error("upgrade needs --image-tag TAG.")
            : base.Validate();
}

[Description("Redeploy only the stack of a running target on another image tag.")]
public sealed class UpgradeCommand : AsyncCommand<UpgradeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, UpgradeSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        using var cancel = Cancellation.FromConsole(cancellationToken);
        var progress = ConsoleProgress.ForConsole();
        var result = await env.Workflows.UpgradeAsync(settings.Target, settings.ImageTag!, progress, cancel.Token);
        progress.Finish();
        return RunSummary.Print(result, Console.Out);
    }
}
