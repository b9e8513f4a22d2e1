using Replica.Core.Config;

namespace Replica.Core.Guards;

/// <summary>
/// Every rule that keeps production safe, in one place. All entry points (CLI, server,
/// schedule) reach workflows through <see cref="Workflows.TargetWorkflows"/>, which calls these.
/// </summary>
public static class WorkflowGuards
{
    /// <summary>A protected target is never started, stopped, wiped or written.</summary>
    public static void EnsureWritable(TargetConfig target, string workflow)
    {
        if (target.Protected)
            throw new RefusedException($"Target '{target.Name}' is protected (production); replica never runs '{workflow}' on it — choose another target.");
    }

    /// <summary>The image tag while replicating must be production's, so the schema matches the code.</summary>
    public static string ChooseImageTag(string productionTag, string? requested)
    {
        if (requested is null || requested == productionTag) return productionTag;
        EnsureImageTag(requested, "--image-tag");
        throw new RefusedException($"Image tag '{requested}' differs from production's '{productionTag}'; the database schema must match the code while replicating, so omit --image-tag (or give '{productionTag}') and use 'replica upgrade' afterwards.");
    }

    /// <summary>
    /// The target's media folder must be apart from the source folders: not equal, not inside,
    /// not containing them — a sync deletes extraneous entries, so overlap would destroy the source.
    /// </summary>
    public static void EnsureMediaApart(string targetName, string mediaPath, SourceConfig source)
    {
        foreach (var (what, volume) in new[] { ("media backup", source.MediaBackup), ("database backups", source.DatabaseBackups) })
        {
            if (volume.LocalPath is not { } sourcePath) continue;
            if (Overlap(Canonical(mediaPath), Canonical(sourcePath)))
                throw new RefusedException($"Target '{targetName}' media folder {mediaPath} overlaps the {what} folder {sourcePath}; set targets.{targetName}.media.path to a folder apart from the source.");
        }
    }

    /// <summary>
    /// The folders replica reads and writes — state_dir, the source's database backups and media
    /// backup folders, and (with a target) its media volume — are never `/` or a system folder, and
    /// never equal to, inside or containing one another (symlinks resolved). The one exception is the
    /// default place of a target's media, inside its own folder of state_dir.
    /// </summary>
    public static void EnsureFoldersApart(ReplicaConfig config, TargetConfig? target = null, string? mediaPath = null)
    {
        var folders = new List<(string Key, string Path)> { ("state_dir", config.StateDirectory) };
        if (config.Source.DatabaseBackups.LocalPath is { } db) folders.Add(("source.database_backups", db));
        if (config.Source.MediaBackup.LocalPath is { } mb) folders.Add(("source.media_backup", mb));
        if (target is not null && mediaPath is not null && Path.IsPathRooted(mediaPath)) folders.Add(($"targets.{target.Name}.media.path", mediaPath));
        var canonical = folders.Select(f => (f.Key, f.Path, Real: Canonical(f.Path))).ToList();
        foreach (var f in canonical)
        {
            if (SystemFolder(f.Real) is { } system)
                throw new RefusedException($"{f.Key} is {f.Path}{(f.Real != Path.TrimEndingDirectorySeparator(f.Path) ? $" ({f.Real})" : "")}, {system}; replica must never write or mirror there, so give {f.Key} a folder of its own in replica.yaml.");
        }
        for (var i = 0; i < canonical.Count; i++)
        for (var j = i + 1; j < canonical.Count; j++)
        {
            var (a, b) = (canonical[i], canonical[j]);
            if (!Overlap(a.Real, b.Real)) continue;
            if (target is not null && a.Key == "state_dir" && b.Key.StartsWith("targets.", StringComparison.Ordinal)
                && IsInsideOrEqual(b.Real, Canonical(DefaultMedia(config, target.Name)))) continue; // the default place: <state_dir>/targets/NAME/media
            var how = a.Real == b.Real ? "is the same folder as" : IsInside(a.Real, b.Real) ? "is inside" : "contains";
            throw new RefusedException($"{a.Key} {a.Path} {how} {b.Key} {b.Path}; a sync or the run store would overwrite one with the other, so give each its own folder in replica.yaml.");
        }
    }

    public static string DefaultMedia(ReplicaConfig config, string target) => Path.Combine(config.TargetDirectory(target), "media");

    /// <summary>Folders that are never a volume of replica's (equal), and trees it never enters (inside).</summary>
    private static readonly string[] SystemFolders =
        ["/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin",
         "/srv", "/sys", "/tmp", "/usr", "/usr/local", "/var", "/var/lib", "/var/tmp", "/var/lib/postgresql", "/var/lib/replica", "/var/lib/replica/volumes"];

    private static readonly string[] SystemTrees = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr", "/var/lib/replica/volumes"];

    private static string? SystemFolder(string real)
    {
        var path = real.Length == 0 ? "/" : real;
        if (path == "/") return "the root of the file system";
        if (SystemFolders.Contains(path)) return "a system folder";
        var tree = SystemTrees.FirstOrDefault(t => IsInside(path, t));
        return tree is null || path.StartsWith("/usr/local/", StringComparison.Ordinal) ? null : $"inside the system folder {tree}";
    }

    private static bool Overlap(string a, string b) => a == b || IsInside(a, b) || IsInside(b, a);

    private static bool IsInsideOrEqual(string child, string parent) => child == parent || IsInside(child, parent);

    /// <summary>Resolves symlinks of every existing ancestor, so two spellings of one folder compare equal.</summary>
    internal static string Canonical(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        if (full.Length == 0) return "/";
        var existing = full;
        var rest = new Stack<string>();
        while (!Directory.Exists(existing) && !File.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) break;
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
        var resolved = new DirectoryInfo(existing).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? existing;
        resolved = ResolveAncestors(resolved);
        while (rest.Count > 0) resolved = Path.Combine(resolved, rest.Pop());
        return resolved.Length == 0 ? "/" : resolved;
    }

    private static string ResolveAncestors(string path)
    {
        var parent = Path.GetDirectoryName(path);
        if (parent is null) return path;
        var resolvedParent = ResolveAncestors(parent);
        var here = Path.Combine(resolvedParent, Path.GetFileName(path));
        var info = new FileInfo(here);
        return info.LinkTarget is not null ? info.ResolveLinkTarget(true)?.FullName ?? here : here;
    }

    private static bool IsInside(string child, string parent) =>
        child.StartsWith(parent.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>An OCI image tag: letters, digits, underscore, dot and dash, not starting with a dot or dash, at most 128 characters.</summary>
    public static string EnsureImageTag(string tag, string from)
    {
        if (tag.Length is 0 or > 128 || !(char.IsAsciiLetterOrDigit(tag[0]) || tag[0] == '_')
            || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            var shown = tag.Length > 40 ? tag[..40] + $"… ({tag.Length} characters)" : tag;
            throw new RefusedException($"The image tag '{shown}' from {from} is not a valid image tag (letters, digits, '_', '.', '-', at most 128 characters, not starting with '.' or '-'); give a tag such as 2026.11.2.");
        }
        return tag;
    }
}
