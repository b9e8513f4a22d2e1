namespace Replica.Cli.Worker;

/// <summary>`replica worker restore-db` (issue 5 fills this in).</summary>
public static class RestoreDbWorker
{
    public static Task<int> RunAsync(WorkerArgs args, CancellationToken ct)
    {
        Console.Error.WriteLine("replica worker restore-db: not implemented yet.");
        return Task.FromResult(2);
    }
}
