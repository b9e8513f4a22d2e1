using System.ComponentModel;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

/// <summary>`replica render start TARGET` (issue 6 fills this in).</summary>
[Description("Print every Kubernetes manifest 'start' would apply, as YAML, changing nothing.")]
public sealed class RenderStartCommand : AsyncCommand<RenderStartCommand.Settings>
{
    public sealed class Settings : StartSettings;

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine("replica render: not implemented yet.");
        return Task.FromResult(2);
    }
}
