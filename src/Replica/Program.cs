using Replica.Cli.Worker;

// Worker commands run inside Kubernetes Jobs and benchmarks: they skip the CLI framework
// so that process start stays small.
if (args.Length > 0 && args[0] == "worker")
    return await WorkerCommands.RunAsync(args[1..]);

return 0;
