using Xunit;

namespace Replica.Media.Tests;

public sealed class SafetyTests : IDisposable
{
    private readonly TestTree _tree = new();
    private readonly string _outside;

    public SafetyTests()
    {
        _outside = Path.Combine(_tree.Root, "outside");
        Directory.CreateDirectory(Path.Combine(_outside, "folder"));
        File.WriteAllText(Path.Combine(_outside, "file"), "outside file");
        File.WriteAllText(Path.Combine(_outside, "folder", "keep"), "outside folder content");
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task Symlinks_in_the_destination_are_replaced_not_followed()
    {
        _tree.File("file", "from source");
        _tree.File("folder/inner", "from source");
        _tree.File("folder/keep", "would overwrite the outside if the link were followed");
        Directory.CreateDirectory(_tree.Destination);
        File.CreateSymbolicLink(Path.Combine(_tree.Destination, "file"), Path.Combine(_outside, "file"));
        File.CreateSymbolicLink(Path.Combine(_tree.Destination, "folder"), Path.Combine(_outside, "folder"));
        var outsideBefore = TreeSnapshot.Take(_outside);

        await _tree.SyncAsync();

        Assert.Equal(outsideBefore, TreeSnapshot.Take(_outside));
        Assert.Equal("outside file", File.ReadAllText(Path.Combine(_outside, "file")));
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
        Assert.Null(new FileInfo(Path.Combine(_tree.Destination, "file")).LinkTarget);
        Assert.Null(new DirectoryInfo(Path.Combine(_tree.Destination, "folder")).LinkTarget);
    }

    [Fact]
    public async Task A_destination_symlink_to_outside_that_is_extraneous_is_removed_as_a_link()
    {
        _tree.File("kept", "x");
        Directory.CreateDirectory(_tree.Destination);
        File.CreateSymbolicLink(Path.Combine(_tree.Destination, "gone"), Path.Combine(_outside, "folder"));
        var outsideBefore = TreeSnapshot.Take(_outside);

        var summary = await _tree.SyncAsync();

        Assert.Equal(outsideBefore, TreeSnapshot.Take(_outside));
        Assert.Equal(1, summary.FilesDeleted);
        Assert.Equal(0, summary.DirsDeleted);
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
    }

    [Fact]
    public async Task A_destination_file_hard_linked_outside_is_replaced_not_changed_in_place()
    {
        _tree.File("shared", "same bytes", mode: 0b111_111_111);
        Directory.CreateDirectory(_tree.Destination);
        var outsideFile = Path.Combine(_outside, "linked");
        File.WriteAllText(outsideFile, "same bytes");
        _tree.SetTime("linked", TestTree.FixedTime, root: _outside);
        TestTree.Run("chmod", "600", outsideFile);
        TestTree.Run("ln", outsideFile, Path.Combine(_tree.Destination, "shared"));
        var outsideBefore = TreeSnapshot.Take(_outside)["linked"];

        await _tree.SyncAsync();

        Assert.Equal(outsideBefore.Mirrored, TreeSnapshot.Take(_outside)["linked"].Mirrored);
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
    }

    [Theory]
    [InlineData("dst-inside-src")]
    [InlineData("src-inside-dst")]
    [InlineData("same")]
    [InlineData("same-through-link")]
    public async Task Overlapping_source_and_destination_are_refused_before_any_write(string layout)
    {
        _tree.File("a/b", "content");
        var linkToSource = Path.Combine(_tree.Root, "link-to-src");
        File.CreateSymbolicLink(linkToSource, _tree.Source);
        var (source, destination) = layout switch
        {
            "dst-inside-src" => (_tree.Source, Path.Combine(_tree.Source, "a", "mirror")),
            "src-inside-dst" => (Path.Combine(_tree.Source, "a"), _tree.Source),
            "same" => (_tree.Source, _tree.Source + "/"),
            _ => (_tree.Source, linkToSource),
        };
        var before = TreeSnapshot.Take(_tree.Source);

        var e = await Assert.ThrowsAsync<MediaPathRefusedException>(() =>
            MediaSync.RunAsync(source, destination, new SyncOptions(), null, null, CancellationToken.None));

        Assert.Contains(destination, e.Message);
        Assert.Equal(before, TreeSnapshot.Take(_tree.Source));
    }

    [Fact]
    public async Task Refused_paths_exit_with_2_from_the_worker()
    {
        var (code, stdout, stderr) = await WorkerProcess.RunAsync(_tree.Source, Path.Combine(_tree.Source, "inner"));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("inside the source", stderr);
        Assert.False(Directory.Exists(Path.Combine(_tree.Source, "inner")));
    }

    [Fact]
    public async Task A_destination_whose_parent_is_missing_is_refused()
    {
        _tree.File("a", "x");
        var destination = Path.Combine(_tree.Root, "no", "such", "mirror");

        var e = await Assert.ThrowsAsync<MediaPathRefusedException>(() =>
            MediaSync.RunAsync(_tree.Source, destination, new SyncOptions(), null, null, CancellationToken.None));

        Assert.Contains(destination, e.Message);
        Assert.False(Directory.Exists(Path.Combine(_tree.Root, "no")));
    }

    [Fact]
    public async Task A_missing_source_is_refused()
    {
        var e = await Assert.ThrowsAsync<MediaPathRefusedException>(() =>
            MediaSync.RunAsync(Path.Combine(_tree.Root, "nope"), _tree.Destination, new SyncOptions(), null, null, CancellationToken.None));
        Assert.Contains("nope", e.Message);
        Assert.False(Directory.Exists(_tree.Destination));
    }
}
