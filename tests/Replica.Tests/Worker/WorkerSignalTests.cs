using System.Diagnostics;
using Replica.Kubernetes.Workers;

namespace Replica.Tests.Worker;

/// <summary>
/// A worker whose Job's pod is deleted gets SIGTERM: it cancels its engine, prints one last line
/// saying what it leaves behind, no summary and nothing half-written, and exits 1.
/// </summary>
public sealed class WorkerSignalTests(WorkerServer db) : IClassFixture<WorkerServer>
{
    [Fact]
    public async Task Restore_db_stops_on_SIGTERM_and_cancels_the_statement_running_on_the_server()
    {
        // The dump holds a statement that runs until it is cancelled: the signal lands mid-restore.
        var backup = db.WriteDump("sleeping.sql", rows: 3, extra: "SELECT pg_catalog.pg_sleep(3600);");
        using var worker = new WorkerRun(new Dictionary<string, string>(), "restore-db", "--backup", backup, "--host", "127.0.0.1",
            "--port", db.Port.ToString(), "--user", WorkerServer.Trusted, "--database", "sleeping_db", "--json");
        await WaitUntilAsync(async () => await SleepersAsync() == 1, worker, "the restore's pg_sleep statement never ran on the server");

        worker.Terminate();
        var (code, stdout, stderr) = await worker.WaitAsync();

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("replica worker restore-db: stopped by SIGTERM; the database is only partly restored and must not be used.", stderr[^1]);
        AssertWholeLines(stderr, "restore-db");
        await WaitUntilAsync(async () => await SleepersAsync() == 0, null, "the restore's statement still runs on the server after the worker stopped");
    }

    [Fact]
    public async Task Sync_media_stops_on_SIGTERM_leaving_no_temporary_file_and_a_rerun_completes()
    {
        var root = Directory.CreateTempSubdirectory("replica-signal-").FullName;
        try
        {
            var source = Path.Combine(root, "source");
            var destination = Path.Combine(root, "destination");
            Directory.CreateDirectory(source);
            // Many files copied one at a time: the signal lands while most are still to come.
            var block = new byte[8 << 20];
            for (int i = 0; i < 48; i++)
            {
                Random.Shared.NextBytes(block);
                File.WriteAllBytes(Path.Combine(source, $"f{i:00}.bin"), block);
            }
            using var worker = new WorkerRun(new Dictionary<string, string>(), "sync-media", "--source", source, "--dest", destination, "--parallel", "1", "--json");
            await WaitUntilAsync(() => Task.FromResult(Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any()), worker,
                "the sync never started writing");

            worker.Terminate();
            var (code, stdout, stderr) = await worker.WaitAsync();

            Assert.Equal(1, code);
            Assert.Equal("", stdout);
            Assert.Equal("replica worker sync-media: stopped by SIGTERM; files already in place stay, run again to finish.", stderr[^1]);
            AssertWholeLines(stderr, "sync-media");
            Assert.Empty(Directory.EnumerateFiles(destination, ".replica-*", SearchOption.AllDirectories));
            Assert.True(Directory.GetFiles(destination).Length < 48, "the sync finished before the signal arrived");

            var rerun = await WorkerRun.RunAsync(new Dictionary<string, string>(), "sync-media", "--source", source, "--dest", destination);
            Assert.True(rerun.ExitCode == 0, string.Join('\n', rerun.Stderr));
            foreach (var file in Directory.GetFiles(source))
                Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(destination, Path.GetFileName(file))));
            Assert.Equal(48, Directory.GetFiles(destination).Length);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Every line is a whole protocol progress line or one of the worker's messages.</summary>
    private static void AssertWholeLines(IReadOnlyList<string> stderr, string command)
    {
        foreach (var line in stderr)
            Assert.True(WorkerLog.Progress(line) is not null || line.StartsWith($"replica worker {command}: ", StringComparison.Ordinal), $"not a whole line: {line}");
    }

    private Task<long> SleepersAsync() =>
        db.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_catalog.pg_sleep(3600)%'");

    /// <summary>Polls, bounded, until the condition holds; fails with <paramref name="why"/> (and the worker's output) otherwise.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, WorkerRun? worker, string why)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60) || worker is { HasExited: true })
                Assert.Fail($"{why}.\n{string.Join('\n', worker?.Stderr ?? [])}");
            await Task.Delay(10);
        }
    }
}
