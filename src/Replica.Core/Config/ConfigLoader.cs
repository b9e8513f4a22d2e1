using Replica.Core.Platforms;
using Replica.Dumps.Masking;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Replica.Core.Config;

/// <summary>Finds and reads replica.yaml (the format is a contract: see README).</summary>
public static class ConfigLoader
{
    public const string EnvironmentVariable = "REPLICA_CONFIG";
    public const string DefaultFileName = "replica.yaml";

    /// <summary>--config PATH, else $REPLICA_CONFIG, else ./replica.yaml.</summary>
    public static string Locate(string? explicitPath)
    {
        var chosen = explicitPath;
        var how = "--config";
        if (string.IsNullOrEmpty(chosen))
        {
            chosen = Environment.GetEnvironmentVariable(EnvironmentVariable);
            how = "$" + EnvironmentVariable;
        }
        if (string.IsNullOrEmpty(chosen))
        {
            chosen = DefaultFileName;
            how = "the current folder";
        }
        var full = System.IO.Path.GetFullPath(chosen);
        if (!File.Exists(full))
            throw new RefusedException(how == "the current folder"
                ? $"No {DefaultFileName} in {Environment.CurrentDirectory}; run replica from the folder that holds it, or pass --config PATH or set ${EnvironmentVariable}."
                : $"The configuration file {full} (from {how}) does not exist; check the path.");
        return full;
    }

    /// <param name="modules">the platforms (each reads its own keys) and the masking check the executable registered.</param>
    public static ReplicaConfig Load(string? explicitPath, ReplicaModules modules) => LoadFile(Locate(explicitPath), modules);

    public static ReplicaConfig LoadFile(string path, ReplicaModules modules)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ConfigException(path, (int)e.Start.Line, $"this is not valid YAML ({e.Message.TrimEnd('.')}); fix the syntax");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RefusedException($"The configuration file {path} cannot be read ({e.Message.TrimEnd('.')}); check its permissions.");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode rootNode)
            throw new ConfigException(path, 1, "the file must be a mapping with 'source' and 'targets'; see README.md for an example");

        var root = new YamlMap(rootNode, path, "");
        root.AllowOnly("state_dir", "source", "targets", "server", "masking", "schedules", "notifications");
        var baseDir = System.IO.Path.GetDirectoryName(path)!;
        string Resolve(string p) => System.IO.Path.GetFullPath(p, baseDir);

        var stateDir = Resolve(root.String("state_dir") ?? ".replica");
        var source = ReadSource(root.Map("source") ?? throw root.Fail("'source' is missing", "add the database_backups, media_backup and image_tag of production"), Resolve, modules);
        var masking = MaskingConfig.Read(root.Map("masking"), modules.CheckMasking);
        var targetsMap = root.Map("targets") ?? throw root.Fail("'targets' is missing", "add at least one target such as staging");
        var targets = new Dictionary<string, TargetConfig>(StringComparer.Ordinal);
        foreach (var (name, node) in targetsMap.Entries)
        {
            if (node is not YamlMappingNode m)
                throw targetsMap.Error(node, $"'targets.{name}' must be a mapping", "give it a platform, or protected: true");
            if (!TargetName.IsValid(name))
                throw targetsMap.Error(node, $"target name '{name}' is not allowed", "use lower-case letters, digits and dashes (it names folders and namespaces)");
            targets[name] = ReadTarget(name, new YamlMap(m, path, $"targets.{name}"), Resolve, masking, modules);
        }
        if (stateDir.Length > MaxStateDirLength)
            throw root.Error(root.Node("state_dir") ?? rootNode, $"'state_dir' is {stateDir.Length} characters long", $"give a path of at most {MaxStateDirLength} characters (database folders and sockets live below it)");
        var config = new ReplicaConfig(path, stateDir, source, targets, ServerConfigReader.Read(root.Map("server")))
        {
            Schedules = Schedules.ScheduleConfigReader.Read(root.Map("schedules"), targets),
            Notifications = Notifications.NotificationConfigReader.Read(root.Map("notifications"), path),
        };
        Guards.WorkflowGuards.EnsureFoldersApart(config);
        return config;
    }

    /// <summary>PostgreSQL's paths are limited to 1024 bytes (MAXPGPATH); the folders replica makes below state_dir take up to ~150.</summary>
    public const int MaxStateDirLength = 700;

    private static SourceConfig ReadSource(YamlMap map, Func<string, string> resolve, ReplicaModules modules)
    {
        map.AllowOnly("database_backups", "media_backup", "image_tag");
        var tagKinds = modules.Platforms.Select(p => p.ImageTag).OfType<(string Key, string Hint)>().ToList();
        var tag = map.Map("image_tag") ?? throw map.Fail("'source.image_tag' is missing", $"give production's tag as {Alternatives(["file: PATH", "value: TAG", .. tagKinds.Select(k => k.Hint)])}");
        return new SourceConfig(
            ReadVolume(map, "database_backups", resolve, modules),
            ReadVolume(map, "media_backup", resolve, modules),
            ReadImageTag(tag, resolve, modules));
    }

    /// <summary>"a, b or c".</summary>
    private static string Alternatives(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} or {items[^1]}";

    /// <summary>A folder (text or { path }), else a volume kind of the platform that owns the key used.</summary>
    private static VolumeSource ReadVolume(YamlMap parent, string key, Func<string, string> resolve, ReplicaModules modules)
    {
        var hint = $"give {Alternatives(["a folder", .. modules.Platforms.SelectMany(p => p.VolumeHints)])}";
        var node = parent.Node(key) ?? throw parent.Fail($"'{parent.Qualify(key)}' is missing", hint);
        if (node is YamlScalarNode s) return new VolumeSource(LocalPath: resolve(s.Value ?? ""));
        var m = parent.Map(key)!;
        m.AllowOnly([.. modules.Platforms.SelectMany(p => p.VolumeKeys).Distinct(), "path"]);
        if (m.String("path") is { } p) return new VolumeSource(LocalPath: resolve(p));
        foreach (var platform in modules.Platforms)
            if (platform.ReadVolume(m) is { } volume) return new VolumeSource(OnPlatform: volume);
        throw parent.Error(node, $"'{parent.Qualify(key)}' names no volume", hint);
    }

    private static ImageTagSource ReadImageTag(YamlMap map, Func<string, string> resolve, ReplicaModules modules)
    {
        var owners = modules.Platforms.Where(p => p.ImageTag is not null).ToList();
        map.AllowOnly(["file", "value", .. owners.Select(p => p.ImageTag!.Value.Key)]);
        var file = map.String("file");
        var value = map.String("value");
        var read = owners.Where(p => map.Map(p.ImageTag!.Value.Key) is not null)
            .Select(p => p.ReadImageTag(map.Map(p.ImageTag!.Value.Key)!)).ToList();
        if ((file is null ? 0 : 1) + (value is null ? 0 : 1) + read.Count != 1)
            throw map.Fail($"'source.image_tag' must have exactly one of {Alternatives(["file", "value", .. owners.Select(p => p.ImageTag!.Value.Key)])}", "keep one of them");
        return new ImageTagSource(file is null ? null : resolve(file), value, read.FirstOrDefault());
    }

    /// <summary>The platform of a protected target that names none: nothing acts on it.</summary>
    public const string NoPlatform = "none";

    private static TargetConfig ReadTarget(string name, YamlMap map, Func<string, string> resolve, IReadOnlyDictionary<string, MaskingProfileSpec> masking, ReplicaModules modules)
    {
        var sections = modules.Platforms.Select(p => p.TargetSection).OfType<string>().Distinct().ToList();
        map.AllowOnly(["protected", "platform", "database", "media", "stack", .. sections, "masking", "after_restore", "expire_after_hours"]);
        var isProtected = map.Bool("protected") ?? false;
        // A protected target that names no platform but has one platform's section (production's namespace) belongs to it, so the guards see it.
        var platform = map.String("platform")
            ?? (isProtected
                ? modules.Platforms.Where(p => p.TargetSection is { } k && map.Node(k) is not null).Select(p => p.Name).SingleOrDefault() ?? NoPlatform
                : throw map.Fail($"'{map.Path}.platform' is missing", $"write {string.Join(" or ", modules.Platforms.Select(p => $"platform: {p.Name}"))}"));
        var module = modules.Find(platform);
        if (module is null && !(isProtected && platform == NoPlatform))
            throw map.Error(map.Node("platform")!, $"'{map.Path}.platform' is '{platform}'", $"write one of: {modules.Names}");

        var db = new DatabaseConfig();
        if (map.Map("database") is { } d)
        {
            d.AllowOnly("name", "owner", "image", "size");
            db = new DatabaseConfig(d.String("name") ?? db.Name, d.String("owner") ?? db.Owner, d.String("image"), d.String("size"));
        }
        var media = new MediaConfig();
        if (map.Map("media") is { } md)
        {
            md.AllowOnly("path", "pvc", "size", "max_delete_percent");
            var percent = md.Int("max_delete_percent") ?? 50;
            if (percent is < 0 or > 100)
                throw md.Error(md.Node("max_delete_percent")!, $"'{md.Path}.max_delete_percent' is {percent}", "give a whole number from 0 to 100 (100 allows any deletion)");
            media = new MediaConfig(md.String("path") is { } p ? resolve(p) : null, md.String("pvc"), md.String("size"), percent);
        }
        StackConfig? stack = null;
        if (map.Map("stack") is { } s)
        {
            s.AllowOnly("command", "ready_url", "ready_timeout_seconds", "image", "port", "ready_path", "env_from_secrets");
            stack = new StackConfig(s.String("command"), s.String("ready_url"), s.Int("ready_timeout_seconds") ?? 120,
                s.String("image"), s.Int("port") ?? 80, s.String("ready_path"), s.StringList("env_from_secrets"));
        }
        // Another platform's section on this target is still checked by its platform (a mistake there is a mistake of the file), then unused.
        foreach (var other in modules.Platforms.Where(p => p != module && p.TargetSection is { } k && map.Node(k) is not null))
            other.ReadTargetSettings(map);
        var settings = module?.ReadTargetSettings(map);
        MaskingProfileSpec? profile = null;
        if (map.String("masking") is { } profileName)
        {
            if (isProtected)
                throw map.Error(map.Node("masking")!, $"'{map.Path}.masking' is set on a protected target", "remove it: replica never restores into a protected target");
            profile = masking.TryGetValue(profileName, out var p) ? p
                : throw map.Error(map.Node("masking")!, $"'{map.Path}.masking' names the profile '{profileName}', which masking: does not define", $"define it under masking: or use one of: {(masking.Count == 0 ? "(none)" : string.Join(", ", masking.Keys))}");
        }
        var afterRestore = ReadAfterRestore(map, db.Name);
        return new TargetConfig(name, isProtected, platform, db, media, stack, settings, profile, afterRestore, Expiry.ExpiryConfigReader.Read(map, isProtected));
    }

    private static IReadOnlyList<AfterRestoreStep>? ReadAfterRestore(YamlMap map, string defaultDatabase)
    {
        if (map.Node("after_restore") is not { } node) return null;
        if (node is not YamlSequenceNode list)
            throw map.Error(node, $"'{map.Path}.after_restore' must be a list", "write - sql: \"…\" (with database:) or - command: \"…\" items");
        var steps = new List<AfterRestoreStep>();
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode m)
                throw map.Error(item, $"an item of '{map.Path}.after_restore' is not a mapping", "write - sql: \"…\" or - command: \"…\"");
            var step = new YamlMap(m, map.File, $"{map.Path}.after_restore[{steps.Count}]");
            step.AllowOnly("sql", "command", "database");
            var (sql, command) = (step.String("sql"), step.String("command"));
            if ((sql is null) == (command is null))
                throw step.Fail($"'{step.Path}' must have exactly one of sql or command", "keep one of them");
            if (command is not null && step.String("database") is not null)
                throw step.Error(step.Node("database")!, $"'{step.Path}.database' is given for a command", "database: only applies to sql");
            steps.Add(new AfterRestoreStep(sql, command, sql is null ? null : step.String("database") ?? defaultDatabase));
        }
        return steps;
    }
}

public static class TargetName
{
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 50 && char.IsAsciiLetterLower(name[0]) &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
