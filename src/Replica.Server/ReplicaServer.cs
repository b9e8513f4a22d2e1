using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Replica.Core.Access;
using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Launch;
using Replica.Core.Platforms;
using Replica.Core.Runs;
using Replica.Core.Status;
using Replica.Core.Wire;
using Replica.Core.Workflows;
using Replica.Server.Access;
using Replica.Server.Api;
using Replica.Server.Events;
using Replica.Server.Page;

namespace Replica.Server;

/// <summary>
/// `replica serve`: the REST API and the web page on Core, wired to the same run store the CLI
/// uses, so each sees the other's runs, logs and locks. No workflow logic lives here.
/// </summary>
public static class ReplicaServer
{
    /// <param name="services">last say over the services (tests inject a clock and faster delivery options).</param>
    public static WebApplication Build(ReplicaConfig config, IPlatformFactory platforms, IPEndPoint listen, Action<ILoggingBuilder>? logging = null,
        Action<IServiceCollection>? services = null)
    {
        // A notification whose ${ENV_NAME} is unset is an error of the server's set-up, said before it listens.
        foreach (var n in config.Notifications.Values) { n.Url(); n.Secret(); }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "replica", EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        builder.WebHost.UseKestrel(k => k.Listen(listen));
        var s = builder.Services;
        var server = config.Server ?? new ServerConfig();
        var store = new RunStore(config.StateDirectory);
        var workflows = new TargetWorkflows(config, store, platforms);
        s.AddSingleton(config).AddSingleton(server).AddSingleton(store).AddSingleton(platforms).AddSingleton(workflows);
        s.AddSingleton(TimeProvider.System);
        s.AddSingleton(new TargetStatusReader(config, store, platforms));
        s.AddSingleton<StatusCache>();
        var launcher = new RunLauncher(workflows, store);
        s.AddSingleton(launcher);
        s.AddSingleton(new WorkflowPlanner(workflows));
        s.AddSingleton(new SourceBackups(config, store, platforms));
        s.AddSingleton(new AccessTokens(store));
        s.AddSingleton<Callers>();
        s.AddSingleton<AccessFilter>();
        s.AddSingleton<RunEventFeed>().AddHostedService(p => p.GetRequiredService<RunEventFeed>());
        s.AddAutomation(store);
        services?.Invoke(s);
        s.ConfigureHttpJsonOptions(o => WireJson.Configure(o.SerializerOptions));
        s.AddProblemDetails();
        s.AddOpenApi("v1");

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).WithTags("health").WithSummary("Liveness; no sign-in needed.");
        app.MapPage();
        app.MapSessionApi();
        var api = app.MapGroup("/api").AddEndpointFilter<AccessFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapSessionInfo().MapTargetsApi().MapRunsApi().MapBackupsApi().MapTokensApi().MapSchedulesApi().MapExpiryApi();
        return app;
    }
}
