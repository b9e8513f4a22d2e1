using System.Text.Json;
using Xunit;

namespace Replica.Media.Tests;

public sealed class FailureTests : IDisposable
{
    private readonly TestTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private static bool IsRoot => Environment.IsPrivilegedProcess
        || (Environment.GetEnvironmentVariable("CI") == "true"
            ? throw new Xunit.Sdk.XunitException("This test needs root under CI=true (it runs the worker as another account and checks owners); run it as root, as .ci/run does.")
            : false);

    private static void RequireRoot(string why) =>
        Assert.True(Environment.IsPrivilegedProcess, $"This test needs root: it {why}. Run the tests as root (as .ci/run does).");

    /// <summary>As root, runs the worker as nobody (root reads anything); otherwise in-process.</summary>
    private async Task<(bool Failed, string Message)> SyncAsUnprivileged()
    {
        if (!IsRoot)
        {
            var e = await Record.ExceptionAsync(() => _tree.SyncAsync());
            return (e is MediaSyncException, e?.Message ?? "");
        }
        Directory.CreateDirectory(_tree.Destination);
        TestTree.Run("chown", "-R", $"{WorkerProcess.Nobody}:{WorkerProcess.Nobody}", _tree.Destination);
        var (code, _, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination, asNobody: true);
        Assert.NotEqual(2, code);
        return (code == 1, stderr);
    }

    [Fact]
    public async Task An_unreadable_source_file_fails_the_run_naming_it()
    {
        _tree.File("readable", "fine");
        _tree.File("sub/secret file", "hidden", mode: 0);

        var (failed, message) = await SyncAsUnprivileged();

        Assert.True(failed);
        Assert.Contains(Path.Combine(_tree.Source, "sub/secret file"), message);
        Assert.Equal("fine", File.ReadAllText(Path.Combine(_tree.Destination, "readable")));
        Assert.False(File.Exists(Path.Combine(_tree.Destination, "sub/secret file")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_tree.Destination, "sub"))); // no temporary file left
    }

    [Fact]
    public async Task An_unreadable_source_folder_fails_the_run_and_deletes_nothing_under_it()
    {
        _tree.File("locked/inside", "x");
        _tree.Dir("locked", mode: 0);
        Directory.CreateDirectory(Path.Combine(_tree.Destination, "locked"));
        File.WriteAllText(Path.Combine(_tree.Destination, "locked", "keep me"), "the source may still have this");

        var (failed, message) = await SyncAsUnprivileged();

        Assert.True(failed);
        Assert.Contains(Path.Combine(_tree.Source, "locked"), message);
        Assert.True(File.Exists(Path.Combine(_tree.Destination, "locked", "keep me")));
    }

    [Fact]
    public async Task A_fifo_is_skipped_with_a_warning_naming_it()
    {
        _tree.File("regular", "x");
        TestTree.Run("mkfifo", Path.Combine(_tree.Source, "a pipe"));
        var warnings = new List<string>();

        var summary = await _tree.SyncAsync(warnings: warnings);

        Assert.Equal(1, summary.Skipped);
        Assert.Contains(warnings, w => w.Contains(Path.Combine(_tree.Source, "a pipe")));
        Assert.False(Path.Exists(Path.Combine(_tree.Destination, "a pipe")));
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
    }

    [Fact]
    public async Task Owner_and_group_are_kept_when_root()
    {
        _tree.File("owned/file", "x");
        _tree.Symlink("owned/link", "file");
        RequireRoot("gives files other owners");
        TestTree.Run("chown", "-h", "1234:5678", Path.Combine(_tree.Source, "owned/file"), Path.Combine(_tree.Source, "owned/link"));
        TestTree.Run("chown", "2345:6789", Path.Combine(_tree.Source, "owned"));

        await _tree.SyncAsync();

        var dst = TreeSnapshot.Take(_tree.Destination);
        Assert.Equal((1234u, 5678u), (dst["owned/file"].Uid, dst["owned/file"].Gid));
        Assert.Equal((1234u, 5678u), (dst["owned/link"].Uid, dst["owned/link"].Gid));
        Assert.Equal((2345u, 6789u), (dst["owned"].Uid, dst["owned"].Gid));
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
    }

    [Fact]
    public async Task Changing_only_the_owner_rewrites_metadata_in_place_when_root()
    {
        _tree.File("file", "x");
        await _tree.SyncAsync();
        var before = TreeSnapshot.Take(_tree.Destination)["file"];
        RequireRoot("gives a file another owner");
        TestTree.Run("chown", "4321:8765", Path.Combine(_tree.Source, "file"));

        var summary = await _tree.SyncAsync();

        var after = TreeSnapshot.Take(_tree.Destination)["file"];
        Assert.Equal(1, summary.FilesUpdated);
        Assert.Equal(before.Ino, after.Ino);
        Assert.Equal((4321u, 8765u), (after.Uid, after.Gid));
    }

    [Fact]
    public async Task The_worker_prints_the_summary_as_json()
    {
        _tree.File("a", "12345");
        _tree.Symlink("l", "a");

        var (code, stdout, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var names = root.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["files_copied", "files_updated", "files_deleted", "files_unchanged", "dirs_created", "dirs_deleted", "symlinks_written", "skipped", "bytes_copied", "seconds"], names);
        Assert.Equal(1, root.GetProperty("files_copied").GetInt64());
        Assert.Equal(1, root.GetProperty("symlinks_written").GetInt64());
        Assert.Equal(5, root.GetProperty("bytes_copied").GetInt64());
    }
}
