using System.ComponentModel;
using Replica.Cli.Output;
using Replica.Core.Progress;
using Replica.Core.Workflows;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

/// <summary>A command that runs one workflow: live progress while it runs, the closing summary, the exit code.</summary>
public abstract class WorkflowCommand<TSettings> : AsyncCommand<TSettings> where TSettings : ReplicaSettings
{
    protected abstract Task<RunResult> RunAsync(TargetWorkflows workflows, TSettings settings, IRunProgress progress, CancellationToken ct, string launchedBy);

    /// <summary>Who launched a run from the command line, as recorded on it.</summary>
    public static string LaunchedBy => $"cli:{Environment.UserName}@{Environment.MachineName}";

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        using var cancel = Cancellation.FromConsole(cancellationToken);
        var progress = ConsoleProgress.ForConsole();
        var result = await RunAsync(env.Workflows, settings, progress, cancel.Token, LaunchedBy);
        progress.Finish();
        return RunSummary.Print(result, Console.Out);
    }
}

[Description("Refresh a target from production: new database restored from a backup, stack on production's tag, media synced.")]
public sealed class StartCommand : WorkflowCommand<StartSettings>
{
    protected override Task<RunResult> RunAsync(TargetWorkflows workflows, StartSettings settings, IRunProgress progress, CancellationToken ct, string launchedBy) =>
        workflows.StartAsync(settings.ToRequest(), progress, ct, launchedBy);
}

public sealed class StopSettings : TargetSettings
{
    [CommandOption("--remove-media")]
    [Description("also delete the media volume (by default it is kept so the next start copies only what changed)")]
    public bool RemoveMedia { get; init; }
}

[Description("Stop a target: stack and database go (with the database volume); the media volume stays.")]
public sealed class StopCommand : WorkflowCommand<StopSettings>
{
    protected override Task<RunResult> RunAsync(TargetWorkflows workflows, StopSettings settings, IRunProgress progress, CancellationToken ct, string launchedBy) =>
        workflows.StopAsync(settings.Target, settings.RemoveMedia, progress, ct, launchedBy);
}

[Description("Stop a target, delete its media, and remove every trace of it (run history is kept).")]
public sealed class WipeCommand : WorkflowCommand<TargetSettings>
{
    protected override Task<RunResult> RunAsync(TargetWorkflows workflows, TargetSettings settings, IRunProgress progress, CancellationToken ct, string launchedBy) =>
        workflows.WipeAsync(settings.Target, progress, ct, launchedBy);
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
public sealed class UpgradeCommand : WorkflowCommand<UpgradeSettings>
{
    protected override Task<RunResult> RunAsync(TargetWorkflows workflows, UpgradeSettings settings, IRunProgress progress, CancellationToken ct, string launchedBy) =>
        workflows.UpgradeAsync(settings.Target, settings.ImageTag!, progress, ct, launchedBy);
}
