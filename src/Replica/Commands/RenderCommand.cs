using System.ComponentModel;
using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Guards;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

/// <summary>
/// `replica render start TARGET`: the manifests of a start run on a kubernetes target, for review
/// or `kubectl apply`. Reads production's image tag (a read) and creates nothing, so the backup is
/// a placeholder unless --from-backup names its path under the backup volume.
/// </summary>
[Description("Print every Kubernetes manifest 'start' would apply, as YAML, changing nothing.")]
public sealed class RenderStartCommand : AsyncCommand<RenderStartCommand.Settings>
{
    public sealed class Settings : StartSettings;

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = ConfigLoader.Load(settings.Config);
        var target = config.Target(settings.Target);
        WorkflowGuards.EnsureWritable(target, "start");
        WorkflowGuards.EnsureNamespaceApart(config, target);
        if (target.Platform != PlatformNames.Kubernetes)
            throw new RefusedException($"Target '{target.Name}' is on platform '{target.Platform}', which has no manifests; use 'replica plan start {target.Name}' instead.");
        var platform = new Replica.Kubernetes.KubernetesPlatform(config, target);
        var productionTag = await ProductionImageTag.ReadAsync(config, platform, cancellationToken);
        var tag = WorkflowGuards.ChooseImageTag(productionTag, settings.ImageTag);
        // Listing the backup volume takes a Job on the cluster, which render must not create.
        var backup = settings.FromBackup is { } b && b.Contains('/') ? b : null;
        var yaml = StartRender.Yaml(config, target, tag, settings.ImageTag is null ? "production's" : "given, equal to production's",
            backup, settings.DbOnly, $"render-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}");
        Console.Out.Write(yaml);
        return 0;
    }
}
