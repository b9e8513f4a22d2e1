using System.ComponentModel;
using Replica.Core.Config;
using Microsoft.Extensions.DependencyInjection;
using Replica.Server;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

public sealed class ServeSettings : ReplicaSettings
{
    [CommandOption("--listen <ADDRESS>")]
    [Description("IP:PORT to listen on (default: server.listen in replica.yaml, else 127.0.0.1:8080)")]
    public string? Listen { get; init; }
}

[Description("Serve the web page and the REST API for a team (tokens: replica tokens create).")]
public sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        var env = CommandEnvironment.Load(settings);
        var listen = settings.Listen is { } l ? ServerConfig.ParseListen(l, "--listen")
            : ServerConfig.ParseListen(env.Config.Server?.Listen ?? ServerConfig.DefaultListen, "server.listen");
        await using var app = ReplicaServer.Build(env.Config, env.Platforms, listen);
        app.Services.GetRequiredService<Replica.Core.Schedules.ScheduleFiring>().Fired += (f, _) =>
            Console.WriteLine($"replica serve: schedule {f.Schedule} ({f.FireTime:yyyy-MM-dd HH:mm}Z): {f.Outcome}{(f.RunId is null ? "" : $" run {f.RunId}")}{(f.Message is null ? "" : " — " + f.Message)}");
        await app.StartAsync(cancellationToken);
        var address = app.Urls.FirstOrDefault() ?? $"http://{listen}";
        Console.WriteLine($"replica serve: listening on {address}{(env.Config.Server?.PublicUrl is { } p ? $" (public URL {p})" : "")}; Ctrl-C stops.");
        foreach (var s in env.Config.Schedules.Values)
            Console.WriteLine($"schedule {s.Name}: {s.Workflow} {s.Target}, next {(s.NextAfter(DateTimeOffset.UtcNow) is { } n ? $"{n:yyyy-MM-dd HH:mm}Z ({s.Local(n)})" : "never")}");
        if (env.Store.ListTokens().Count == 0 && env.Config.Server?.TrustedProxy is null)
            Console.WriteLine("No tokens yet: make one with 'replica tokens create NAME --role admin'.");
        var stopped = new TaskCompletionSource();
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stopped.TrySetResult(); });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.TrySetResult(); });
        await stopped.Task;
        Console.WriteLine("replica serve: stopping; runs it launched are cancelled and undo what they made.");
        await app.StopAsync(CancellationToken.None);
        await app.Services.GetRequiredService<Replica.Core.Launch.RunLauncher>().CancelAllAsync();
        return 0;
    }
}
