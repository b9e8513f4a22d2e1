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
        if (target.Platform is not (PlatformNames.Local or PlatformNames.Kubernetes))
            throw new RefusedException($"Target '{target.Name}' has no platform; set platform: local or kubernetes in replica.yaml.");
    }

    /// <summary>The image tag while replicating must be production's, so the schema matches the code.</summary>
    public static string ChooseImageTag(string productionTag, string? requested)
    {
        if (requested is null || requested == productionTag) return productionTag;
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
            var a = Canonical(mediaPath);
            var b = Canonical(sourcePath);
            if (a == b || IsInside(a, b) || IsInside(b, a))
                throw new RefusedException($"Target '{targetName}' media folder {mediaPath} overlaps the {what} folder {sourcePath}; set targets.{targetName}.media.path to a folder apart from the source.");
        }
    }

    /// <summary>A kubernetes target never lives in production's namespace or a protected target's.</summary>
    public static void EnsureNamespaceApart(ReplicaConfig config, TargetConfig target)
    {
        if (target.Kubernetes is not { } k) return;
        if (config.Source.ImageTag.Kubernetes is { } prod && prod.Namespace == k.Namespace)
            throw new RefusedException($"Target '{target.Name}' uses namespace '{k.Namespace}', which is production's; give it its own namespace in replica.yaml.");
        foreach (var other in config.Targets.Values)
            if (other.Protected && other.Kubernetes?.Namespace == k.Namespace)
                throw new RefusedException($"Target '{target.Name}' uses namespace '{k.Namespace}', which belongs to protected target '{other.Name}'; give it its own namespace in replica.yaml.");
    }

    /// <summary>Resolves symlinks of every existing ancestor, so two spellings of one folder compare equal.</summary>
    internal static string Canonical(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
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
}
