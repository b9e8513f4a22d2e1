using System.ComponentModel;
using Replica.Cli.Output;
using Replica.Core;
using Replica.Core.Access;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

public sealed class TokenCreateSettings : ReplicaSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("who or what holds the token (recorded on the runs it launches as token:NAME)")]
    public string Name { get; init; } = "";

    [CommandOption("--role <ROLE>")]
    [Description("viewer (reads, no passwords), operator (also launches and cancels on its targets) or admin (everything, tokens included)")]
    public string? Role { get; init; }

    [CommandOption("--targets <GLOBS>")]
    [Description("for an operator: the targets it may operate, comma-separated globs (e.g. dev-alan or dev-*); default every target")]
    public string? Targets { get; init; }
}

[Description("Make an API token; it is printed once, alone on the last line (only its hash is stored).")]
public sealed class TokenCreateCommand : Command<TokenCreateSettings>
{
    public override int Execute(CommandContext context, TokenCreateSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        if (settings.Role is null) throw new RefusedException("tokens create needs --role viewer, operator or admin.");
        var role = Roles.Parse(settings.Role, "--role");
        var globs = Grant.ParseGlobs(settings.Targets, "--targets");
        var token = new AccessTokens(env.Store).Create(settings.Name, role, globs);
        Console.WriteLine($"token '{settings.Name}' ({role.ToWire()}{(globs.Count > 0 ? " on " + string.Join(",", globs) : "")}) made; it is shown this once:");
        Console.WriteLine(token);
        return 0;
    }
}

[Description("List API tokens (never the tokens themselves).")]
public sealed class TokenListCommand : Command<JsonSettings>
{
    public override int Execute(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var tokens = env.Store.ListTokens();
        if (settings.Json)
        {
            Json.Print(tokens.Select(t => new { name = t.Name, role = t.Role, targets = t.Targets, created = t.Created, last_used = t.LastUsed }).ToList());
            return 0;
        }
        if (tokens.Count == 0) { Console.WriteLine("No tokens yet: replica tokens create NAME --role viewer|operator|admin."); return 0; }
        var table = new TextTable("NAME", "ROLE", "TARGETS", "CREATED (UTC)");
        foreach (var t in tokens)
            table.Add(t.Name, t.Role, t.Targets.Count == 0 ? "*" : string.Join(",", t.Targets), t.Created.ToString("yyyy-MM-dd HH:mm:ss"));
        table.Print(Console.Out);
        return 0;
    }
}

public sealed class TokenRevokeSettings : ReplicaSettings
{
    [CommandArgument(0, "<NAME>")]
    public string Name { get; init; } = "";
}

[Description("Revoke an API token by name.")]
public sealed class TokenRevokeCommand : Command<TokenRevokeSettings>
{
    public override int Execute(CommandContext context, TokenRevokeSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        if (!env.Store.RevokeToken(settings.Name))
            throw new RefusedException($"There is no token '{settings.Name}'; 'replica tokens list' shows them.");
        Console.WriteLine($"token '{settings.Name}' revoked.");
        return 0;
    }
}
