namespace Replica.Kubernetes.Tests.Workflows;

public static class RepoPaths
{
    /// <summary>The repository root (the folder holding replica.slnx), found from the test assembly's folder.</summary>
    public static string Root { get; } = Find();

    public static string Samples => Path.Combine(Root, "samples", "production");

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "replica.slnx"))) return d.FullName;
        throw new InvalidOperationException("replica.slnx not found above " + AppContext.BaseDirectory);
    }

    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            var info = new FileInfo(file);
            if (info.LinkTarget is not null) File.CreateSymbolicLink(target, info.LinkTarget);
            else File.Copy(file, target);
        }
    }
}
