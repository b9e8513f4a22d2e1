namespace Replica.Cli.Worker;

/// <summary>`replica worker sync-media` (issue 4 fills this in).</summary>
public static class SyncMediaWorker
{
    public static Task<int> RunAsync(WorkerArgs args, CancellationToken ct)
    {
        Console.Error.WriteLine("replica worker sync-media: not implemented yet.");
        return Task.FromResult(2);
    }
}
