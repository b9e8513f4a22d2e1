using Xunit;

namespace Replica.Media.Tests;

/// <summary>
/// The mass-deletion guard: a mirror that would empty the destination from an empty source, or
/// delete more than the allowed share of it, is refused before it changes anything.
/// </summary>
public sealed class DeletionGuardTests : IDisposable
{
    private readonly TestTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>Ten files in the source, mirrored once, so the destination holds ten entries.</summary>
    private async Task MirrorTenFilesAsync()
    {
        for (int i = 0; i < 10; i++) _tree.File($"f{i}", $"content {i}");
        await _tree.SyncAsync();
    }

    private void RemoveFromSource(int count)
    {
        for (int i = 0; i < count; i++) File.Delete(Path.Combine(_tree.Source, $"f{i}"));
    }

    [Fact]
    public async Task An_empty_source_is_refused_by_default_and_nothing_is_deleted()
    {
        await MirrorTenFilesAsync();
        RemoveFromSource(10);
        var before = TreeSnapshot.Take(_tree.Destination);

        var e = await Assert.ThrowsAsync<MediaDeletionRefusedException>(() => _tree.SyncAsync(new SyncOptions()));

        Assert.Equal(before, TreeSnapshot.Take(_tree.Destination));
        Assert.True(e.SourceEmpty);
        Assert.Equal(new DeletionCensus(0, 10, 10), e.Census);
        Assert.Contains("is empty", e.Message);
        Assert.Contains("10 entries", e.Message);
        Assert.Contains("--allow-empty-source", e.Message);
        Assert.Contains("run again with --allow-media-delete.", e.Sentence("run again with --allow-media-delete"));
    }

    [Fact]
    public async Task A_sixty_percent_deletion_is_refused_with_a_fifty_percent_limit_and_nothing_is_deleted()
    {
        await MirrorTenFilesAsync();
        RemoveFromSource(6);
        var before = TreeSnapshot.Take(_tree.Destination);

        var e = await Assert.ThrowsAsync<MediaDeletionRefusedException>(() => _tree.SyncAsync(new SyncOptions { MaxDeletePercent = 50 }));

        Assert.Equal(before, TreeSnapshot.Take(_tree.Destination));
        Assert.Equal(new DeletionCensus(4, 10, 6), e.Census);
        Assert.Equal(50, e.MaxDeletePercent);
        Assert.Contains("would delete 6 of the 10 entries", e.Message);
        Assert.Contains("(60 %, more than the limit of 50 %)", e.Message);
        Assert.Contains("--max-delete-percent 100", e.Message);
    }

    [Fact]
    public async Task A_forty_percent_deletion_passes_a_fifty_percent_limit()
    {
        await MirrorTenFilesAsync();
        RemoveFromSource(4);

        var summary = await _tree.SyncAsync(new SyncOptions { MaxDeletePercent = 50 });

        Assert.Equal(4, summary.FilesDeleted);
        Assert.Equal(6, Directory.GetFiles(_tree.Destination).Length);
    }

    [Fact]
    public async Task A_limit_of_one_hundred_percent_allows_a_sixty_percent_deletion()
    {
        await MirrorTenFilesAsync();
        RemoveFromSource(6);

        var summary = await _tree.SyncAsync(new SyncOptions { MaxDeletePercent = 100 });

        Assert.Equal(6, summary.FilesDeleted);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(50)]
    public async Task An_allowed_empty_source_empties_the_destination(int? limit)
    {
        await MirrorTenFilesAsync();
        RemoveFromSource(10);

        var summary = await _tree.SyncAsync(new SyncOptions { AllowEmptySource = true, MaxDeletePercent = limit });

        Assert.Equal(10, summary.FilesDeleted);
        Assert.Empty(Directory.GetFileSystemEntries(_tree.Destination));
    }

    [Fact]
    public async Task A_new_or_empty_destination_is_never_refused()
    {
        var first = await _tree.SyncAsync(new SyncOptions { MaxDeletePercent = 0 });
        Assert.True(Directory.Exists(_tree.Destination));
        Assert.Equal(0, first.FilesCopied);

        _tree.File("a", "x");
        var second = await _tree.SyncAsync(new SyncOptions { MaxDeletePercent = 0 });
        Assert.Equal(1, second.FilesCopied);
    }

    [Fact]
    public async Task The_census_counts_every_entry_under_a_folder_the_source_lacks()
    {
        // Source: keep/ (a, b), new/ (n1, deep/n2), swap (a file where the destination has a folder).
        _tree.File("keep/a", "a");
        _tree.File("keep/b", "b");
        _tree.File("new/n1", "n");
        _tree.File("new/deep/n2", "n");
        _tree.File("swap", "now a file");
        // Destination: keep/ (a, gone), old/ (x, y/ (z, w/ (v))), swap/ (s1, s2), a link to outside.
        var d = _tree.Destination;
        _tree.Dir(TestTree.B("keep"), root: EnsureDestination());
        _tree.File(TestTree.B("keep/a"), TestTree.B("a"), root: d);
        _tree.File(TestTree.B("keep/gone"), TestTree.B("g"), root: d);
        _tree.File(TestTree.B("old/x"), TestTree.B("x"), root: d);
        _tree.File(TestTree.B("old/y/z"), TestTree.B("z"), root: d);
        _tree.File(TestTree.B("old/y/w/v"), TestTree.B("v"), root: d);
        _tree.File(TestTree.B("swap/s1"), TestTree.B("s"), root: d);
        _tree.File(TestTree.B("swap/s2"), TestTree.B("s"), root: d);
        _tree.Symlink("outside", _tree.Source, root: d);
        var before = TreeSnapshot.Take(d);

        var census = await MediaSync.CountDeletionsAsync(_tree.Source, d, CancellationToken.None);

        // Source: keep, keep/a, keep/b, new, new/n1, new/deep, new/deep/n2, swap = 8.
        // Destination: keep, keep/a, keep/gone, old, old/x, old/y, old/y/z, old/y/w, old/y/w/v,
        // swap, swap/s1, swap/s2, outside = 13. Deleted: keep/gone, old and its 5 entries, swap/s1,
        // swap/s2 and the link (never followed) = 10.
        Assert.Equal(new DeletionCensus(8, 13, 10), census);
        Assert.Equal(before, TreeSnapshot.Take(d));

        var summary = await _tree.SyncAsync(new SyncOptions { MaxDeletePercent = 100 });
        // The engine also removes the folder swap before writing the file swap: one more removal,
        // but not an entry lost, which is why the census does not count it.
        Assert.Equal(11, summary.FilesDeleted + summary.DirsDeleted);
        Assert.Equal(8, TreeSnapshot.Take(d).Count - 1);
    }

    [Fact]
    public async Task The_census_of_a_missing_destination_creates_nothing()
    {
        _tree.File("a/b", "x");

        var census = await MediaSync.CountDeletionsAsync(_tree.Source, _tree.Destination, CancellationToken.None);

        Assert.Equal(new DeletionCensus(2, 0, 0), census);
        Assert.False(Directory.Exists(_tree.Destination));
    }

    [Fact]
    public async Task The_worker_refuses_with_exit_2_and_the_sentence_and_its_flags_allow_it()
    {
        await MirrorTenFilesAsync();
        RemoveFromSource(6);
        var before = TreeSnapshot.Take(_tree.Destination);

        var (code, stdout, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("would delete 6 of the 10 entries", stderr);
        Assert.Equal(before, TreeSnapshot.Take(_tree.Destination));

        (code, stdout, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination, extra: ["--max-delete-percent", "60"]);
        Assert.True(code == 0, stderr);
        Assert.Contains("\"files_deleted\":6", stdout);

        RemoveFromSource(10);
        (code, _, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination, extra: ["--max-delete-percent", "100"]);
        Assert.Equal(2, code);
        Assert.Contains("--allow-empty-source", stderr);
        (code, _, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination, extra: ["--allow-empty-source"]);
        Assert.True(code == 0, stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_tree.Destination));
    }

    [Fact]
    public async Task The_worker_refuses_a_limit_above_one_hundred()
    {
        var (code, _, stderr) = await WorkerProcess.RunAsync(_tree.Source, _tree.Destination, extra: ["--max-delete-percent", "150"]);
        Assert.Equal(2, code);
        Assert.Contains("--max-delete-percent", stderr);
        Assert.False(Directory.Exists(_tree.Destination));
    }

    private string EnsureDestination()
    {
        Directory.CreateDirectory(_tree.Destination);
        return _tree.Destination;
    }
}
