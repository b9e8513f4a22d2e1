namespace Replica.Cli.Worker;

/// <summary>Reports on the caller's thread, in order (System.Progress posts to the thread pool and may reorder).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();
    public void Report(T value) { lock (_gate) report(value); }
}
