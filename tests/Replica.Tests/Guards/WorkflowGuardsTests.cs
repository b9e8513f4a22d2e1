using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Guards;

namespace Replica.Tests.Guards;

public class WorkflowGuardsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("replica-guards-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private SourceConfig Source => new(new VolumeSource(Path.Combine(_root, "db")), new VolumeSource(Path.Combine(_root, "media")), new ImageTagSource(Value: "1"));

    [Fact]
    public void Image_tag_must_equal_productions_and_the_message_names_both()
    {
        Assert.Equal("2026.11.2", WorkflowGuards.ChooseImageTag("2026.11.2", null));
        Assert.Equal("2026.11.2", WorkflowGuards.ChooseImageTag("2026.11.2", "2026.11.2"));
        var e = Assert.Throws<RefusedException>(() => WorkflowGuards.ChooseImageTag("2026.11.2", "2026.12.0"));
        Assert.Contains("2026.11.2", e.Message);
        Assert.Contains("2026.12.0", e.Message);
    }

    [Theory]
    [InlineData("media")]           // equal
    [InlineData("media/sub")]       // inside
    [InlineData("")]                // containing
    [InlineData("db/x")]            // inside the database backups
    public void Media_overlapping_the_source_is_refused(string relative)
    {
        Directory.CreateDirectory(Path.Combine(_root, "media"));
        var e = Assert.Throws<RefusedException>(() => WorkflowGuards.EnsureMediaApart("staging", Path.Combine(_root, relative), Source));
        Assert.Contains("overlaps", e.Message);
    }

    [Fact]
    public void Media_overlap_through_a_symlink_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "media"));
        File.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "media"));
        Assert.Throws<RefusedException>(() => WorkflowGuards.EnsureMediaApart("staging", Path.Combine(_root, "alias", "x"), Source));
    }

    [Fact]
    public void Media_apart_from_the_source_is_allowed()
    {
        WorkflowGuards.EnsureMediaApart("staging", Path.Combine(_root, "media-copy"), Source);
        WorkflowGuards.EnsureMediaApart("staging", Path.Combine(_root, "state", "targets", "staging", "media"), Source);
    }

    [Fact]
    public void Protected_target_is_refused_for_every_workflow()
    {
        var prod = new TargetConfig("production", true, "none", new DatabaseConfig(), new MediaConfig(), null, null);
        foreach (var w in new[] { "start", "stop", "wipe", "upgrade" })
            Assert.Contains("protected", Assert.Throws<RefusedException>(() => WorkflowGuards.EnsureWritable(prod, w)).Message);
    }

    [Fact]
    public void Kubernetes_target_in_productions_namespace_is_refused()
    {
        var config = new ReplicaConfig("/x/replica.yaml", "/x/state",
            new SourceConfig(new VolumeSource("/b"), new VolumeSource("/m"),
                new ImageTagSource(OnPlatform: new Replica.Kubernetes.Config.ProductionWorkloadRef("production-stack", "StatefulSet", "stack", null, null))),
            new Dictionary<string, TargetConfig>());
        var target = new TargetConfig("staging", false, Replica.Kubernetes.KubernetesModule.PlatformName, new DatabaseConfig(), new MediaConfig(), null,
            new Replica.Kubernetes.Config.KubernetesTargetSettings(null, "production-stack", null));
        // The kubernetes platform's own footprint check (it opens no connection for it).
        var platform = new Replica.Kubernetes.KubernetesPlatform(config, target);
        Assert.Contains("production's", Assert.Throws<RefusedException>(() => platform.CheckFootprint(target)).Message);
    }
}
