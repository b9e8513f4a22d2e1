using Xunit;
using k8s;
using k8s.Models;
using Replica.Core;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Render;

public sealed class StartRenderTests : IDisposable
{
    private readonly RenderFixture _fixture = new();
    private const string Run = "20261125T143000-ab12";

    public void Dispose() => _fixture.Dispose();

    private string Render(string target, bool dbOnly, string? backup = null) =>
        StartRender.Yaml(_fixture.Config, _fixture.Config.Target(target), "2026.11.2", "production's", backup, dbOnly, Run, "registry.example.org/replica:2026.11");

    [Fact]
    public void Full_start_of_a_target_with_a_stack() =>
        Golden.Matches("staging-start.yaml", Render("staging", dbOnly: false, backup: "hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz"));

    [Fact]
    public void Db_only_start_with_the_backup_left_as_a_placeholder() =>
        Golden.Matches("staging-start-db-only.yaml", Render("staging", dbOnly: true));

    [Fact]
    public void Target_without_a_stack_gets_database_restore_and_media_only() =>
        Golden.Matches("bare-start.yaml", Render("bare", dbOnly: false));

    [Fact]
    public void Output_is_yaml_kubectl_can_read_back_in_order()
    {
        var objects = KubernetesYaml.LoadAllFromString(Render("staging", dbOnly: false));
        Assert.Equal(
            ["Namespace", "Secret", "PersistentVolumeClaim", "StatefulSet", "Service", "Job", "PersistentVolumeClaim", "Job", "Service", "StatefulSet", "Service"],
            objects.Select(o => ((IKubernetesObject)o).Kind).ToArray());
        foreach (var o in objects.Cast<IKubernetesObject<V1ObjectMeta>>())
        {
            Assert.Equal("replica", o.Metadata.Labels[ReplicaLabels.ManagedBy]);
            Assert.Equal("staging", o.Metadata.Labels[ReplicaLabels.Target]);
            Assert.Equal(Run, o.Metadata.Labels[ReplicaLabels.Run]);
            if (o is not V1Namespace) Assert.Equal("staging-stack", o.Metadata.NamespaceProperty);
        }
    }

    [Fact]
    public void Sources_are_mounted_read_only_and_only_the_media_claim_is_writable()
    {
        var jobs = KubernetesYaml.LoadAllFromString(Render("staging", dbOnly: false, backup: "hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz")).OfType<V1Job>().ToList();
        Assert.Equal(2, jobs.Count);
        foreach (var job in jobs)
        {
            var pod = job.Spec.Template.Spec;
            foreach (var v in pod.Volumes.Where(v => v.Nfs is not null)) Assert.True(v.Nfs.ReadOnlyProperty);
            // Scratch folders (emptyDir, the pod's own /tmp) are writable; every other mount but the media claim is read-only.
            var scratch = pod.Volumes.Where(v => v.EmptyDir is not null).Select(v => v.Name).ToHashSet();
            Assert.NotEmpty(scratch);
            foreach (var m in pod.Containers[0].VolumeMounts.Where(m => m.Name != "media" && !scratch.Contains(m.Name))) Assert.True(m.ReadOnlyProperty);
            Assert.Equal(0, job.Spec.BackoffLimit);
            Assert.True(pod.SecurityContext.RunAsNonRoot);
        }
        var restore = jobs.Single(j => j.Metadata.Labels[ReplicaLabels.Component] == Components.Restore).Spec.Template.Spec.Containers[0];
        Assert.Contains("/backups/hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz", restore.Args);
        Assert.Equal("registry.example.org/replica:2026.11", restore.Image);
    }

    [Fact]
    public void The_stack_runs_on_the_tag_and_reads_the_database_from_the_secret()
    {
        var stack = KubernetesYaml.LoadAllFromString(Render("staging", dbOnly: false)).OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "stack");
        var c = stack.Spec.Template.Spec.Containers[0];
        Assert.Equal("xchem/fragalysis-stack:2026.11.2", c.Image);
        Assert.Equal(["database", "django"], c.EnvFrom.Select(e => e.SecretRef.Name).ToArray());
        Assert.Equal("2026.11.2", c.Env.Single(e => e.Name == "STACK_IMAGE_TAG").Value);
        Assert.Equal("staging", c.Env.Single(e => e.Name == "REPLICA_TARGET").Value);
        Assert.Equal("/healthz", c.ReadinessProbe.HttpGet.Path);
        Assert.DoesNotContain(c.Env, e => e.Name.Contains("PASSWORD", StringComparison.Ordinal));
    }

    [Fact]
    public void The_restore_reaches_the_runs_own_instance_and_the_stack_reaches_it_through_the_stable_service()
    {
        var objects = KubernetesYaml.LoadAllFromString(Render("staging", dbOnly: false)).Cast<IKubernetesObject<V1ObjectMeta>>().ToList();
        var instance = "database-20261125t143000-ab12";
        var set = objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Labels[ReplicaLabels.Component] == Components.Database);
        Assert.Equal(instance, set.Metadata.Name);
        Assert.Equal(Run, set.Spec.Selector.MatchLabels[ReplicaLabels.Run]); // two instances side by side never select each other's pod
        var own = objects.OfType<V1Service>().Single(s => s.Metadata.Name == instance);
        Assert.Equal(Run, own.Spec.Selector[ReplicaLabels.Run]);
        var restore = objects.OfType<V1Job>().Single(j => j.Metadata.Labels[ReplicaLabels.Component] == Components.Restore).Spec.Template.Spec.Containers[0].Args;
        Assert.Equal(instance, restore[restore.IndexOf("--host") + 1]);

        // The stack's settings name only the stable Service and Secret; the switch changes the Service's selector.
        var access = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "database");
        Assert.Equal(Components.DatabaseAccess, access.Metadata.Labels[ReplicaLabels.Component]);
        Assert.Equal(Run, access.Spec.Selector[ReplicaLabels.Run]);
        var secret = objects.OfType<V1Secret>().Single();
        Assert.Equal("database", secret.StringData["PGHOST"]);
        Assert.True(objects.IndexOf(access) > objects.FindIndex(o => o is V1Job j && j.Metadata.Labels[ReplicaLabels.Component] == Components.SyncMedia),
            "the switch comes after the media sync");
    }

    [Fact]
    public void A_real_password_only_ever_appears_in_the_secret()
    {
        var t = ClusterTarget.From(_fixture.Config, _fixture.Config.Target("staging"), "img");
        var password = "s3cretPassw0rdThatMustNotLeak";
        var secret = DatabaseManifests.Secret(t, Run, password);
        Assert.Equal(password, secret.StringData["PGPASSWORD"]);
        var rendered = Render("staging", dbOnly: false);
        Assert.DoesNotContain(password, rendered);
        Assert.Contains(StartManifests.PasswordPlaceholder, rendered);
        var others = string.Join("\n", StartManifests.Build(t, Run, "2026.11.2", "/backups/x", false).Where(o => o is not V1Secret).Select(KubernetesYaml.Serialize));
        Assert.DoesNotContain(StartManifests.PasswordPlaceholder, others);
    }

    [Fact]
    public void A_backup_claim_in_another_namespace_is_refused_naming_the_key()
    {
        using var f = new RenderFixture(RenderFixture.Yaml.Replace("database_backups: { nfs: { server: 10.0.0.5, path: /nfs/db-replica } }", "database_backups: { pvc: db-backups, namespace: production-stack }"));
        var e = Assert.Throws<RefusedException>(() => StartRender.Yaml(f.Config, f.Config.Target("staging"), "t", "given", null, false, Run));
        Assert.Contains("production-stack/db-backups", e.Message);
        Assert.Contains("source.database_backups", e.Message);
    }

    [Fact]
    public void A_local_backup_folder_is_refused_for_a_cluster()
    {
        using var f = new RenderFixture(RenderFixture.Yaml.Replace("database_backups: { nfs: { server: 10.0.0.5, path: /nfs/db-replica } }", "database_backups: backups/db"));
        var e = Assert.Throws<RefusedException>(() => StartRender.Yaml(f.Config, f.Config.Target("staging"), "t", "given", null, false, Run));
        Assert.Contains("cannot mount", e.Message);
    }
}
