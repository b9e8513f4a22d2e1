using System.Text;
using Xunit;
using static Replica.Media.Tests.TestTree;

namespace Replica.Media.Tests;

public sealed class MirrorTests : IDisposable
{
    private readonly TestTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>Names and shapes that break naive tools: everything here must come out byte for byte.</summary>
    private void BuildHostileTree()
    {
        var t = _tree;
        t.File("plain.txt", "plain");
        t.File("with space and  double", "spaces");
        t.File(B("new\nline"), B("newline"));
        t.File("-leading-dash", "dash");
        t.File("--", "two dashes");
        t.File(L("latin1-\xe9t\xe9"), B("not utf-8"));
        t.File([(byte)'b', (byte)'a', (byte)'d', 0xff, 0xfe, (byte)'x'], B("invalid bytes"));
        t.File("émoji-😀.png", "utf-8 name");
        t.File(new string('L', 255), "longest name");
        t.File("empty", "");
        t.File("private", "0600", mode: 0b110_000_000);
        t.File("script.sh", "#!/bin/sh\n", mode: 0b111_101_101);
        t.File("readonly", "0444", mode: 0b100_100_100);
        t.File("setgid", "2755", mode: 0b010_111_101_101);

        var deep = new List<byte[]>();
        for (int i = 0; i < 30; i++)
        {
            deep.Add(B($"level {i:00}"));
            t.Dir(Join([.. deep]));
        }
        t.File(Join([.. deep, B("bottom.txt")]), B("deep"));

        t.Dir("empty folder");
        t.Dir(L("dir\xff"));
        t.File(Join(L("dir\xff"), B("inside")), B("in a non-utf-8 folder"));
        t.Dir("locked");
        t.File("locked/secret", "in a 0555 folder");
        t.Dir("locked", mode: 0b101_101_101);
        t.Dir("sticky", mode: 0b001_111_111_111);

        t.Dir("links");
        t.Symlink("links/relative", "../plain.txt");
        t.Symlink("links/absolute", "/etc/hostname");
        t.Symlink("links/dangling", "../does/not/exist");
        t.Symlink("links/to-folder", "../level 00");
        t.Symlink(B("links/odd target"), L("  spaces and\nnewline -> \xff"));

        // Folder mtimes last, since filling a folder changes its mtime.
        foreach (var dir in new[] { "links", "empty folder", "sticky" }) t.SetTime(dir, FixedTime - 5000);
        for (int i = deep.Count; i > 0; i--) t.SetTime(Join([.. deep.Take(i)]), FixedTime - i);
        t.SetTime("locked", FixedTime - 7);
    }

    [Fact]
    public async Task Hostile_tree_is_mirrored_exactly()
    {
        BuildHostileTree();

        var summary = await _tree.SyncAsync();

        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
        Assert.Equal(17, summary.FilesCopied);
        Assert.Equal(5, summary.SymlinksWritten);
        Assert.Equal(0, summary.FilesUnchanged + summary.FilesUpdated + summary.FilesDeleted + summary.Skipped);
        Assert.Equal(30 + 5, summary.DirsCreated);
        Assert.Equal(summary.BytesCopied, TreeSnapshot.Take(_tree.Source).Values.Where(e => e.Kind == "file").Sum(e => e.Size));
    }

    [Fact]
    public async Task Second_run_writes_nothing()
    {
        BuildHostileTree();
        await _tree.SyncAsync();
        var before = TreeSnapshot.Take(_tree.Destination);

        var summary = await _tree.SyncAsync();

        var after = TreeSnapshot.Take(_tree.Destination);
        Assert.Equal(before, after); // same inodes and ctimes: not even metadata was written
        Assert.Equal(new SyncSummary(0, 0, 0, 17, 0, 0, 0, 0, 0, summary.Seconds), summary);
    }

    [Fact]
    public async Task Changed_added_deleted_and_touched_files_are_the_only_writes()
    {
        for (int i = 0; i < 20; i++) _tree.File($"d{i % 3}/f{i:00}", $"content {i}");
        foreach (var d in new[] { "d0", "d1", "d2" }) _tree.SetTime(d, FixedTime);
        await _tree.SyncAsync();
        var before = TreeSnapshot.Take(_tree.Destination);

        _tree.File("d0/f00", "CONTENT 0", mtime: FixedTime + 10);       // changed, same size
        _tree.File("d1/new", "added");                                  // added
        File.Delete(Path.Combine(_tree.Source, "d2/f02"));               // deleted
        _tree.SetTime("d0/f03", FixedTime + 20);                         // touched
        foreach (var d in new[] { "d0", "d1", "d2" }) _tree.SetTime(d, FixedTime);

        var summary = await _tree.SyncAsync();

        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
        Assert.Equal((1L, 2L, 1L, 17L), (summary.FilesCopied, summary.FilesUpdated, summary.FilesDeleted, summary.FilesUnchanged));
        var after = TreeSnapshot.Take(_tree.Destination);
        var rewritten = new HashSet<string> { "d0/f00", "d0/f03", "d1/new", "d0", "d1", "d2" };
        foreach (var (key, entry) in after)
            if (!rewritten.Contains(key))
                Assert.Equal(before[key], entry);
        Assert.NotEqual(before["d0/f00"].Ino, after["d0/f00"].Ino); // replaced by rename, never written in place
    }

    [Fact]
    public async Task Extraneous_entries_and_changed_kinds_are_replaced()
    {
        _tree.File("was-dir", "now a file");
        _tree.Dir("was-file");
        _tree.File("was-file/inner", "now a folder");
        _tree.Symlink("was-file-now-link", "plain");
        Directory.CreateDirectory(Path.Combine(_tree.Destination, "was-dir/sub/deeper"));
        File.WriteAllText(Path.Combine(_tree.Destination, "was-dir/sub/deeper/x"), "old");
        File.WriteAllText(Path.Combine(_tree.Destination, "was-file"), "old");
        File.WriteAllText(Path.Combine(_tree.Destination, "was-file-now-link"), "old");
        Directory.CreateDirectory(Path.Combine(_tree.Destination, "extra/tree"));
        File.WriteAllText(Path.Combine(_tree.Destination, "extra/tree/file"), "old");
        File.CreateSymbolicLink(Path.Combine(_tree.Destination, "extra-link"), "/");

        var summary = await _tree.SyncAsync();

        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
        Assert.Equal(5, summary.DirsDeleted); // was-dir, sub, deeper, extra, tree
    }

    [Fact]
    public async Task Checksum_compares_content_where_size_and_mtime_agree()
    {
        _tree.File("same-stamp", "aaaa");
        await _tree.SyncAsync();
        File.WriteAllText(Path.Combine(_tree.Source, "same-stamp"), "bbbb");
        _tree.SetTime("same-stamp", FixedTime);

        var quick = await _tree.SyncAsync();
        Assert.Equal(1, quick.FilesUnchanged);
        Assert.Equal("aaaa", File.ReadAllText(Path.Combine(_tree.Destination, "same-stamp")));

        var thorough = await _tree.SyncAsync(new SyncOptions { Checksum = true });
        Assert.Equal(1, thorough.FilesUpdated);
        Assert.Equal("bbbb", File.ReadAllText(Path.Combine(_tree.Destination, "same-stamp")));
        Assert.Empty(TreeSnapshot.MirrorDifferences(_tree.Source, _tree.Destination));
    }

    [Fact]
    public async Task Progress_reaches_final_totals()
    {
        for (int i = 0; i < 50; i++) _tree.File($"f{i}", new string('x', 1000));
        var reports = new List<SyncProgress>();
        var progress = new SynchronousProgress(reports);

        await MediaSync.RunAsync(_tree.Source, _tree.Destination, new SyncOptions(), progress, null, CancellationToken.None);

        var last = reports.Last();
        Assert.True(last.TotalsFinal);
        Assert.Equal((50L, 50L, 50_000L, 50_000L), (last.FilesDone, last.FilesTotal, last.BytesDone, last.BytesTotal));
    }

    private sealed class SynchronousProgress(List<SyncProgress> into) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            lock (into) into.Add(value);
        }
    }
}
