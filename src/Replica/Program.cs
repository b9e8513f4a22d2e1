using Replica.Cli.Commands;
using Replica.Cli.Worker;
using Replica.Core;
using Replica.Core.Runs;
using Spectre.Console.Cli;

// Worker commands run inside Kubernetes Jobs and benchmarks: they skip the CLI framework
// so that process start stays small.
if (args.Length > 0 && args[0] == "worker")
    return await WorkerCommands.RunAsync(args[1..]);

var app = new CommandApp();
app.Configure(c =>
{
    c.SetApplicationName("replica");
    c.PropagateExceptions();
    c.Settings.StrictParsing = true; // an unknown or misspelt option is an error, never silently ignored
    c.AddCommand<StartCommand>("start").WithExample("start", "staging").WithExample("start", "staging", "--db-only");
    c.AddCommand<StopCommand>("stop").WithExample("stop", "staging");
    c.AddCommand<WipeCommand>("wipe");
    c.AddCommand<UpgradeCommand>("upgrade").WithExample("upgrade", "staging", "--image-tag", "2026.12.1");
    c.AddBranch("plan", b =>
    {
        b.SetDescription("Show what a workflow would do, changing nothing.");
        b.AddCommand<PlanStartCommand>("start");
    });
    c.AddBranch("render", b =>
    {
        b.SetDescription("Print the Kubernetes manifests a workflow would apply, changing nothing.");
        b.AddCommand<RenderStartCommand>("start");
    });
    c.AddCommand<StatusCommand>("status");
    c.AddCommand<BackupsCommand>("backups");
    c.AddCommand<RunsCommand>("runs");
    c.AddCommand<LogsCommand>("logs");
    c.AddCommand<SchedulesCommand>("schedules");
    c.AddCommand<ServeCommand>("serve").WithExample("serve", "--listen", "127.0.0.1:8080");
    c.AddBranch("tokens", b =>
    {
        b.SetDescription("Make, list and revoke the server's API tokens.");
        b.AddCommand<TokenCreateCommand>("create").WithExample("tokens", "create", "alan", "--role", "operator", "--targets", "dev-alan");
        b.AddCommand<TokenListCommand>("list");
        b.AddCommand<TokenRevokeCommand>("revoke");
    });
});

// A command is needed: show the help, and exit 2 like any other incomplete input.
if (args is [] or ["plan"] or ["render"] or ["tokens"])
{
    await app.RunAsync([.. args, "--help"]);
    return 2;
}

try
{
    return await app.RunAsync(args);
}
catch (RefusedException e)
{
    Console.Error.WriteLine($"replica: {e.Message}");
    return 2;
}
catch (CommandAppException e)
{
    Console.Error.WriteLine($"replica: {e.Message.TrimEnd('.')}. See 'replica --help'.");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("replica: cancelled.");
    return 1;
}
catch (StateFolderException e)
{
    Console.Error.WriteLine($"replica: {e.Message}");
    if (Environment.GetEnvironmentVariable("REPLICA_DEBUG") is "1") Console.Error.WriteLine(e);
    return 1;
}
catch (Exception e)
{
    // Never an unhandled exception (exit 134 and a stack trace): one sentence, and the details only when asked for.
    Console.Error.WriteLine($"replica: unexpected error: {e.Message.TrimEnd('.')}; run again with REPLICA_DEBUG=1 for details, and report it if it persists.");
    if (Environment.GetEnvironmentVariable("REPLICA_DEBUG") is "1") Console.Error.WriteLine(e);
    return 1;
}
