using Replica.Core;
using Replica.Core.Config;
using Replica.Kubernetes.Config;
using Replica.Tests.Support;

namespace Replica.Tests.Config;

public class ConfigLoaderTests : IDisposable
{
    private readonly Workspace _ws = new(copyMedia: false);

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void Sample_config_resolves_paths_relative_to_its_folder()
    {
        var config = _ws.LoadConfig();
        Assert.Equal(_ws.StateDir, config.StateDirectory);
        Assert.Equal(_ws.Backups, config.Source.DatabaseBackups.LocalPath);
        Assert.Equal(Path.Combine(_ws.Source, "stack-image-tag"), config.Source.ImageTag.File);
        Assert.True(config.Target("production").Protected);
        Assert.Equal("frag", config.Target("staging").Database.Name);
        Assert.Equal("fragalysis", config.Target("staging").Database.Owner);
        Assert.Equal(60, config.Target("staging").Stack!.ReadyTimeoutSeconds);
    }

    [Fact]
    public void Repo_root_config_loads()
    {
        var config = Replica.Cli.Modules.LoadConfig(Path.Combine(Workspace.RepoRoot, "replica.yaml"));
        Assert.Equal("local", config.Target("staging").Platform);
    }

    [Fact]
    public void Unknown_key_is_named_with_its_line()
    {
        _ws.WriteConfig(_ws.DefaultConfig().Replace("    platform: local\n    database:", "    platform: local\n    databse: {}\n    database:"));
        var e = Assert.Throws<ConfigException>(() => _ws.LoadConfig());
        Assert.Contains("targets.staging.databse", e.Message);
        Assert.Contains("line 10", e.Message);
        Assert.Contains(_ws.ConfigPath, e.Message);
    }

    [Fact]
    public void Wrong_type_is_named_with_its_line()
    {
        _ws.WriteConfig(_ws.DefaultConfig().Replace("ready_timeout_seconds: 60", "ready_timeout_seconds: soon"));
        var e = Assert.Throws<ConfigException>(() => _ws.LoadConfig());
        Assert.Contains("targets.staging.stack.ready_timeout_seconds", e.Message);
        Assert.Contains("positive whole number", e.Message);
        Assert.Matches(@"line \d+", e.Message);
    }

    [Fact]
    public void Protected_must_be_a_boolean()
    {
        _ws.WriteConfig(_ws.DefaultConfig().Replace("protected: true", "protected: [yes]"));
        var e = Assert.Throws<ConfigException>(() => _ws.LoadConfig());
        Assert.Contains("targets.production.protected", e.Message);
    }

    [Fact]
    public void Platform_must_be_known()
    {
        _ws.WriteConfig(_ws.DefaultConfig().Replace("  dev:\n    platform: local", "  dev:\n    platform: docker"));
        var e = Assert.Throws<ConfigException>(() => _ws.LoadConfig());
        Assert.Contains("targets.dev.platform", e.Message);
        Assert.Contains("'targets.dev.platform' is 'docker'; write one of: local, kubernetes", e.Message);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        _ws.WriteConfig("source:\n  database_backups: [unclosed\n");
        var e = Assert.Throws<ConfigException>(() => _ws.LoadConfig());
        Assert.Contains("not valid YAML", e.Message);
    }

    [Fact]
    public void Image_tag_needs_exactly_one_way()
    {
        _ws.WriteConfig(_ws.DefaultConfig().Replace("    file: production/stack-image-tag", "    file: production/stack-image-tag\n    value: \"1.0\""));
        var e = Assert.Throws<ConfigException>(() => _ws.LoadConfig());
        Assert.Contains("exactly one of file, value or kubernetes", e.Message);
    }

    [Fact]
    public void Missing_file_names_where_it_was_looked_for()
    {
        var e = Assert.Throws<RefusedException>(() => Replica.Cli.Modules.Load(Path.Combine(_ws.Root, "nope.yaml")));
        Assert.Contains("nope.yaml", e.Message);
        Assert.Contains("--config", e.Message);
    }

    [Fact]
    public void Kubernetes_keys_parse()
    {
        _ws.WriteConfig("""
            source:
              database_backups: { nfs: { server: 10.0.0.5, path: /nfs/db-replica } }
              media_backup: { pvc: media-replica, namespace: production-stack }
              image_tag:
                kubernetes: { namespace: production-stack, kind: StatefulSet, name: stack, container: stack }
            targets:
              staging:
                platform: kubernetes
                kubernetes: { context: prod-cluster, namespace: staging-stack, storage_class: nfs-client }
                database: { name: frag, owner: fragalysis, image: "postgres:15", size: 20Gi }
                media: { pvc: media, size: 300Gi }
                stack: { image: xchem/fragalysis-stack, port: 80, ready_path: /healthz, env_from_secrets: [django] }
            """);
        var c = _ws.LoadConfig();
        Assert.Equal("10.0.0.5", Assert.IsType<NfsVolume>(c.Source.DatabaseBackups.OnPlatform).Server);
        Assert.Equal("media-replica", Assert.IsType<PvcVolume>(c.Source.MediaBackup.OnPlatform).Name);
        Assert.Equal("stack", Assert.IsType<ProductionWorkloadRef>(c.Source.ImageTag.OnPlatform).Name);
        var t = c.Target("staging");
        Assert.Equal("staging-stack", Assert.IsType<KubernetesTargetSettings>(t.Settings).Namespace);
        Assert.Equal(["django"], t.Stack!.EnvFromSecrets);
        Assert.Equal("300Gi", t.Media.Size);
    }
}
