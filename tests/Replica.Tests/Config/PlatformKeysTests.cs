using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Workflows;
using Replica.Kubernetes.Config;
using Replica.Tests.Support;

namespace Replica.Tests.Config;

/// <summary>
/// The keys each platform owns in replica.yaml are read by that platform's module with the file's line-numbered
/// errors (the same sentences as when Core read them), and a source a target's platform cannot read is refused by plan.
/// </summary>
public class PlatformKeysTests : IDisposable
{
    private readonly Workspace _ws = new(copyMedia: false);

    public void Dispose() => _ws.Dispose();

    private ConfigException Refused(string yaml)
    {
        _ws.WriteConfig(yaml);
        return Assert.Throws<ConfigException>(() => _ws.LoadConfig());
    }

    private const string KubernetesTarget = """
        source:
          database_backups: { nfs: { server: 10.0.0.5, path: /nfs/db } }
          media_backup: { nfs: { server: 10.0.0.5, path: /nfs/media } }
          image_tag: { value: "1.0" }
        targets:
          staging:
            platform: kubernetes
            kubernetes: { namespace: staging-stack }
        """;

    [Fact]
    public void Kubernetes_keys_give_the_same_errors_with_their_lines()
    {
        Assert.EndsWith("line 7: 'targets.staging.kubernetes' is missing; give it { namespace: NAME } (and context, storage_class as needed).",
            Refused(KubernetesTarget.Replace("\n    kubernetes: { namespace: staging-stack }", "")).Message);
        Assert.EndsWith("line 8: 'targets.staging.kubernetes.resources.workers.requests.memory' is '20 Gi', not a Kubernetes quantity; write it like 500m, 2, 512Mi or 4Gi (no space).",
            Refused(KubernetesTarget.Replace("{ namespace: staging-stack }", "{ namespace: staging-stack, resources: { workers: { requests: { memory: 20 Gi } } } }")).Message);
        Assert.EndsWith("line 2: unknown key 'source.database_backups.nsf'; the keys allowed here are nfs, pvc, namespace, path.",
            Refused(KubernetesTarget.Replace("{ nfs: { server: 10.0.0.5, path: /nfs/db } }", "{ nsf: { server: 10.0.0.5 } }")).Message);
        Assert.EndsWith("line 2: 'source.database_backups' names no volume; give a folder, { nfs: { server, path } } or { pvc: name, namespace: ns }.",
            Refused(KubernetesTarget.Replace("{ nfs: { server: 10.0.0.5, path: /nfs/db } }", "{ namespace: x }")).Message);
        Assert.EndsWith("'source.image_tag' is missing; give production's tag as file: PATH, value: TAG or kubernetes: { namespace, kind, name }.",
            Refused(KubernetesTarget.Replace("  image_tag: { value: \"1.0\" }\n", "")).Message);
        Assert.EndsWith("line 4: 'source.image_tag.kubernetes.name' is missing; name production's stack workload.",
            Refused(KubernetesTarget.Replace("{ value: \"1.0\" }", "{ kubernetes: { namespace: prod } }")).Message);
        Assert.EndsWith("'targets.staging.platform' is missing; write platform: local or platform: kubernetes.",
            Refused(KubernetesTarget.Replace("    platform: kubernetes\n", "")).Message);
    }

    [Fact]
    public void The_kubernetes_section_of_a_protected_target_without_a_platform_is_still_kubernetes()
    {
        _ws.WriteConfig(KubernetesTarget + "\n  production:\n    protected: true\n    kubernetes: { namespace: production-stack }\n");
        var production = _ws.LoadConfig().Target("production");
        Assert.Equal("kubernetes", production.Platform);
        Assert.Equal("production-stack", Assert.IsType<KubernetesTargetSettings>(production.Settings).Namespace);
    }

    [Fact]
    public async Task An_nfs_source_or_a_workload_tag_for_a_local_target_is_refused_by_plan_naming_the_key()
    {
        _ws.WriteConfig(_ws.DefaultConfig().Replace("  database_backups: production/database", "  database_backups: { nfs: { server: 10.0.0.5, path: /nfs/db } }"));
        var store = new Replica.Core.Runs.RunStore(_ws.StateDir);
        var workflows = new TargetWorkflows(_ws.LoadConfig(), store, new Replica.Cli.PlatformFactory());
        var e = await Assert.ThrowsAsync<RefusedException>(() => workflows.PlanStartAsync(new StartRequest("staging"), CancellationToken.None));
        Assert.Equal("source.database_backups is nfs://10.0.0.5/nfs/db, which only platform kubernetes can mount, not target 'staging' on platform local; give source.database_backups as a folder for local targets.", e.Message);

        _ws.WriteConfig(_ws.DefaultConfig().Replace("    file: production/stack-image-tag", "    kubernetes: { namespace: production-stack, name: stack }"));
        workflows = new TargetWorkflows(_ws.LoadConfig(), store, new Replica.Cli.PlatformFactory());
        e = await Assert.ThrowsAsync<RefusedException>(() => workflows.StartAsync(new StartRequest("staging"), new CollectingProgress(), CancellationToken.None));
        Assert.Contains("source.image_tag", e.Message);
        Assert.Contains("give source.image_tag as file: PATH or value: TAG for local targets", e.Message);
        Assert.False(store.Exists); // refused before anything was written
    }
}
