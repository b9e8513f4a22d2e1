using k8s;
using k8s.Models;
using Replica.Core;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Render;

/// <summary>targets.X.kubernetes.resources reaches each pod's containers; a malformed quantity is refused with its line.</summary>
public sealed class PodResourcesRenderTests
{
    private const string WithResources = "kubernetes: { context: prod-cluster, namespace: staging-stack, storage_class: nfs-client, resources: { database: { requests: { cpu: \"2\", memory: 4Gi }, limits: { memory: 8Gi } }, workers: { limits: { cpu: 500m } } } }";

    [Fact]
    public void Requests_and_limits_are_set_per_pod_and_left_out_where_none_are_given()
    {
        using var f = new RenderFixture(RenderFixture.Yaml.Replace("kubernetes: { context: prod-cluster, namespace: staging-stack, storage_class: nfs-client }", WithResources));
        var yaml = StartRender.Yaml(f.Config, f.Config.Target("staging"), "2026.11.2", "given", null, false, "20261125T143000-ab12", "img");
        var objects = KubernetesYaml.LoadAllFromString(yaml);
        var database = objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name.StartsWith("database-", StringComparison.Ordinal)).Spec.Template.Spec.Containers[0].Resources;
        Assert.Equal("2", database.Requests["cpu"].ToString());
        Assert.Equal("4Gi", database.Requests["memory"].ToString());
        Assert.Equal("8Gi", database.Limits["memory"].ToString());
        foreach (var job in objects.OfType<V1Job>())
            Assert.Equal("500m", job.Spec.Template.Spec.Containers[0].Resources.Limits["cpu"].ToString());
        Assert.Null(objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "stack").Spec.Template.Spec.Containers[0].Resources);
    }

    [Fact]
    public void A_quantity_with_a_space_is_refused_naming_the_key_and_line()
    {
        var e = Assert.ThrowsAny<RefusedException>(() =>
            new RenderFixture(RenderFixture.Yaml.Replace("kubernetes: { context: prod-cluster, namespace: staging-stack, storage_class: nfs-client }",
                WithResources.Replace("memory: 8Gi", "memory: 8 Gi"))));
        Assert.Contains("line 9", e.Message);
        Assert.Contains("targets.staging.kubernetes.resources.database.limits.memory", e.Message);
        Assert.Contains("'8 Gi'", e.Message);
    }
}
