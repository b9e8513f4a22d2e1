namespace Replica.Tests.Support;

/// <summary>Compares two folder trees: kinds, sizes, content, symlink targets, mtimes and permission bits.</summary>
public static class TreeComparison
{
    public static IReadOnlyList<string> Differences(string expected, string actual)
    {
        var diffs = new List<string>();
        var a = Entries(expected);
        var b = Entries(actual);
        foreach (var rel in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            if (!a.TryGetValue(rel, out var x)) { diffs.Add($"extra {rel}"); continue; }
            if (!b.TryGetValue(rel, out var y)) { diffs.Add($"missing {rel}"); continue; }
            if (x.LinkTarget != y.LinkTarget) { diffs.Add($"link {rel}: {x.LinkTarget} vs {y.LinkTarget}"); continue; }
            if (x.LinkTarget is not null) continue;
            if (x.UnixFileMode != y.UnixFileMode) diffs.Add($"mode {rel}");
            if (x is FileInfo fx && y is FileInfo fy)
            {
                if (fx.LastWriteTimeUtc != fy.LastWriteTimeUtc) diffs.Add($"mtime {rel}");
                if (fx.Length != fy.Length || !File.ReadAllBytes(fx.FullName).AsSpan().SequenceEqual(File.ReadAllBytes(fy.FullName)))
                    diffs.Add($"content {rel}");
            }
            else if (x.GetType() != y.GetType()) diffs.Add($"kind {rel}");
        }
        return diffs;
    }

    private static Dictionary<string, FileSystemInfo> Entries(string root) =>
        new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(e => Path.GetRelativePath(root, e.FullName), StringComparer.Ordinal);
}
