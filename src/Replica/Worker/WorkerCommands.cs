namespace Replica.Cli.Worker;

/// <summary>Entry of `replica worker …`: the engines as plain commands.</summary>
public static class WorkerCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var signals = new WorkerSignals();
        try
        {
            return args switch
            {
                ["sync-media", .. var rest] => await SyncMediaWorker.RunAsync(WorkerArgs.Parse(rest), signals),
                ["restore-db", .. var rest] => await RestoreDbWorker.RunAsync(WorkerArgs.Parse(rest), signals),
                ["list-backups", .. var rest] => await ListBackupsWorker.RunAsync(WorkerArgs.Parse(rest), signals.Token),
                ["hand-over", .. var rest] => await HandOverWorker.RunAsync(WorkerArgs.Parse(rest), signals),
                ["run-sql", .. var rest] => await RunSqlWorker.RunAsync(WorkerArgs.Parse(rest), signals),
                ["flush-data", .. var rest] => await FlushDataWorker.RunAsync(WorkerArgs.Parse(rest), signals),
                _ => Usage(),
            };
        }
        catch (WorkerArgsException e)
        {
            Console.Error.WriteLine($"replica worker: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (signals.Received is { } signal)
        {
            // list-backups changes nothing, so stopping it needs no word on what is left behind.
            Console.Error.WriteLine($"replica worker {args[0]}: stopped by {signal}.");
            return 1;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: replica worker sync-media --source SRC --dest DST [--checksum] [--parallel N] [--json]
                   replica worker restore-db --backup FILE --host H --port P --user U [--database NAME --owner ROLE] [--jobs N] [--masking-profile-file F] [--json]
                   replica worker list-backups --root DIR [--json]
                   replica worker hand-over --host H --port P --user U [--json]
                   replica worker run-sql --host H --port P --user U --database DB --sql=SQL [--json]
                   replica worker flush-data --path DIR [--json]   (until SIGTERM: syncfs of DIR's file system every quarter second)
            The password of restore-db, hand-over and run-sql comes as libpq tools take it: PGPASSWORD, else PGPASSFILE or ~/.pgpass, else none.
            """);
        return 2;
    }
}
