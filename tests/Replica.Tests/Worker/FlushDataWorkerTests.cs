using System.Text.Json;

namespace Replica.Tests.Worker;

/// <summary>
/// `replica worker flush-data`, the database pod's container beside a bulk-load server: it flushes the data
/// volume's file system until SIGTERM (what the hand-over's pod replacement sends), then exits 0 with a summary.
/// </summary>
public sealed class FlushDataWorkerTests
{
    [Fact]
    public async Task Flushes_until_SIGTERM_then_exits_0_with_its_count()
    {
        var folder = Directory.CreateTempSubdirectory("replica-flush-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "written-with-fsync-off"), new byte[1 << 20]);
            using var worker = new WorkerRun(new Dictionary<string, string>(), "flush-data", "--path", folder, "--json");
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!worker.Stderr.Any(l => l.Contains("flushing the file system of", StringComparison.Ordinal)))
            {
                Assert.False(worker.HasExited, $"flush-data ended before it was stopped: {string.Join('\n', worker.Stderr)}");
                Assert.True(DateTime.UtcNow < deadline, "flush-data never said it started");
                await Task.Delay(50);
            }
            // Long enough for the quarter-second loop to run more than once.
            await Task.Delay(1200);
            Assert.False(worker.HasExited, "flush-data must run until it is stopped");

            worker.Terminate();
            var (code, stdout, stderr) = await worker.WaitAsync();

            Assert.True(code == 0, string.Join('\n', stderr));
            using var summary = JsonDocument.Parse(stdout);
            Assert.Equal(folder, summary.RootElement.GetProperty("path").GetString());
            Assert.True(summary.RootElement.GetProperty("flushes").GetInt32() >= 3, stdout);
            Assert.Equal(0, summary.RootElement.GetProperty("failures").GetInt32());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_folder_is_refused_with_exit_2_and_one_sentence()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"replica-no-such-{Guid.NewGuid():N}");
        var (code, stdout, stderr) = await WorkerRun.RunAsync(new Dictionary<string, string>(), "flush-data", "--path", missing);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"replica worker flush-data: the folder {missing} does not exist; pass the data volume's mount path with --path.", Assert.Single(stderr));
    }
}
