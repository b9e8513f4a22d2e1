using Xunit;

namespace Replica.Media.Tests;

public sealed class CancellationTests : IDisposable
{
    private readonly TestTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task A_cancelled_sync_stops_leaves_no_temporary_file_and_a_rerun_completes()
    {
        for (int i = 0; i < 200; i++) _tree.File($"d{i % 10}/f{i:000}", new string('x', 1000 + i));
        _tree.File("a-file", "queued before the cancellation");
        // The warning about the fifo is a fixed point in the walk: one worker lists the root,
        // queues a-file and d0..d9, then warns about zz-fifo, and the cancellation lands there.
        TestTree.Run("mkfifo", Path.Combine(_tree.Source, "zz-fifo"));
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            MediaSync.RunAsync(_tree.Source, _tree.Destination, new SyncOptions { Parallelism = 1 }, null, _ => cts.Cancel(), cts.Token));

        Assert.Empty(Directory.EnumerateDirectories(_tree.Destination)); // d0..d9 were never started

        Assert.Empty(Directory.EnumerateFiles(_tree.Destination, ".replica-*", SearchOption.AllDirectories));
        await _tree.SyncAsync();
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
    }
}
