namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>Compares two folders: same relative paths, same file contents, same symlink targets.</summary>
public static class TreeAssert
{
    public static void Mirrors(string expected, string actual)
    {
        Assert.Equal(Entries(expected), Entries(actual));
        foreach (var file in Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(expected, file);
            var a = new FileInfo(file);
            var b = new FileInfo(Path.Combine(actual, rel));
            if (a.LinkTarget is not null) Assert.Equal(a.LinkTarget, b.LinkTarget);
            else Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(b.FullName)), $"{rel} differs");
        }
    }

    public static List<string> Entries(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToList();
}
