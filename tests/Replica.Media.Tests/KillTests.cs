using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit;

namespace Replica.Media.Tests;

public sealed class KillTests : IDisposable
{
    private readonly TestTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task A_run_killed_mid_copy_leaves_no_partial_file_and_the_next_run_finishes_without_recopying()
    {
        for (int i = 0; i < 40; i++) _tree.File($"small/{i:00}", $"small file {i}");
        WriteLargeFile(Path.Combine(_tree.Source, "large.bin"), 768 << 20);
        _tree.SetTime("large.bin", TestTree.FixedTime);

        using (var worker = WorkerProcess.Start(_tree.Source, _tree.Destination))
        {
            // Wait (bounded) until the large file is being written under its temporary name, then kill.
            var deadline = Stopwatch.StartNew();
            string? partial = null;
            while (partial is null && !worker.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                partial = Directory.Exists(_tree.Destination)
                    ? Directory.EnumerateFiles(_tree.Destination, ".replica-*.tmp").FirstOrDefault(p => new FileInfo(p).Length > 0)
                    : null;
                if (partial is null) Thread.Sleep(1);
            }
            Assert.True(partial is not null, "the copy of the large file was not caught in progress");
            worker.Kill();
            await worker.WaitForExitAsync();
        }

        Assert.False(File.Exists(Path.Combine(_tree.Destination, "large.bin")));
        Assert.NotEmpty(Directory.GetFiles(_tree.Destination, ".replica-*.tmp"));
        // Everything under a final name is complete.
        var afterKill = TreeSnapshot.Take(_tree.Destination);
        var leftovers = afterKill.Keys.Count(IsTemporary);
        var source = TreeSnapshot.Take(_tree.Source);
        foreach (var (key, entry) in afterKill)
            if (entry.Kind == "file" && !IsTemporary(key))
                Assert.Equal(source[key].Mirrored, entry.Mirrored);

        var (code, stdout, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(leftovers, json.RootElement.GetProperty("files_deleted").GetInt64());
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
        var final = TreeSnapshot.Take(_tree.Destination);
        foreach (var (key, entry) in afterKill)
            if (entry.Kind == "file" && !IsTemporary(key))
                Assert.Equal(entry.Ino, final[key].Ino); // already done, not copied again
    }

    private static bool IsTemporary(string key) => key.Split('/')[^1].StartsWith(".replica-");

    private static void WriteLargeFile(string path, int bytes)
    {
        var block = RandomNumberGenerator.GetBytes(1 << 20);
        using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        for (int written = 0; written < bytes; written += block.Length)
        {
            block[0]++; // no two blocks alike, so nothing can be deduplicated
            f.Write(block);
        }
    }
}
