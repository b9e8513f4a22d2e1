using System.ComponentModel;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

/// <summary>
/// `replica render start TARGET`: the manifests of a start run on a kubernetes target, for review
/// or `kubectl apply`. The backup is a placeholder unless --from-backup names its path under the
/// backup volume (listing the volume would take a Job on the cluster, which render must not create).
/// </summary>
[Description("Print every Kubernetes manifest 'start' would apply, as YAML, changing nothing.")]
public sealed class RenderStartCommand : AsyncCommand<RenderStartCommand.Settings>
{
    public sealed class Settings : StartSettings;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var backup = settings.FromBackup is { } b && b.Contains('/') ? b : null;
        Console.Out.Write(await env.Workflows.RenderStartAsync(settings.ToRequest(), backup, cancellationToken));
        return 0;
    }
}
