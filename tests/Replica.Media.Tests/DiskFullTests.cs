using System.Diagnostics;
using Xunit;

namespace Replica.Media.Tests;

/// <summary>A destination on a 1 MiB tmpfs, mounted by the test (as root, or in a user namespace otherwise).</summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TestTree _tree = new();

    public void Dispose()
    {
        if (Environment.IsPrivilegedProcess && Directory.Exists(_tree.Destination))
            Process.Start("umount", _tree.Destination)!.WaitForExit();
        _tree.Dispose();
    }

    [Fact]
    public async Task A_full_destination_fails_naming_it_and_the_bytes_needed_and_leaves_no_temporary_file()
    {
        _tree.File("small", "fits");
        _tree.File(TestTree.B("big"), new byte[3 << 20]);
        Directory.CreateDirectory(_tree.Destination);

        string message;
        if (Environment.IsPrivilegedProcess)
        {
            TestTree.Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _tree.Destination);
            var e = await Assert.ThrowsAsync<MediaDiskFullException>(() => _tree.SyncAsync());
            Assert.True(e.BytesNeeded >= 3 << 20, $"{e.BytesNeeded} bytes needed");
            message = e.Message;
            Assert.DoesNotContain(Directory.GetFileSystemEntries(_tree.Destination), p => Path.GetFileName(p).StartsWith(".replica-"));
        }
        else
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "replica.dll");
            var script = $"mount -t tmpfs -o size=1m tmpfs '{_tree.Destination}' && dotnet '{dll}' worker sync-media --source '{_tree.Source}' --dest '{_tree.Destination}'; echo exit=$?; ls -A '{_tree.Destination}'";
            var psi = new ProcessStartInfo("unshare", ["--user", "--map-root-user", "--mount", "sh", "-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            var stdout = await p.StandardOutput.ReadToEndAsync();
            message = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.Contains("exit=1", stdout);
            Assert.DoesNotContain(".replica-", stdout);
        }
        Assert.Contains(_tree.Destination, message);
        Assert.Contains("bytes", message);
        Assert.Contains("full", message);
    }
}
