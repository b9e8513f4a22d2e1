using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests;

/// <summary>The simulated API server answers the real KubernetesClient as a real API server would.</summary>
public sealed class SimulationCrudTests : SimulatedNamespaceTest
{
    private static V1Secret Secret(string name, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        StringData = new Dictionary<string, string> { ["password"] = "s3cret" },
    };

    [Fact]
    public async Task Kubeconfig_written_by_the_simulation_is_loaded_by_the_realClient()
    {
        var path = Path.Combine(Cluster.Root, "config");
        Cluster.WriteKubeconfig(path, "prod-cluster", "staging");
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, "prod-cluster");
        Assert.Equal("staging", config.Namespace);
        using var client = new k8s.Kubernetes(config);
        var namespaces = await client.CoreV1.ListNamespaceAsync();
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "staging");
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
    }

    [Fact]
    public async Task Requests_without_the_token_are_refused_with_401()
    {
        using var http = Cluster.CreateHttpClient(withToken: false);
        var response = await http.GetAsync(new Uri(Cluster.Server, "api/v1/namespaces"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Create_sets_system_metadata_and_get_returns_the_object()
    {
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(Secret("db"), "staging");
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal("staging", created.Metadata.NamespaceProperty);
        Assert.Null(created.StringData);
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(created.Data["password"]));

        var read = await Client.CoreV1.ReadNamespacedSecretAsync("db", "staging");
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("Opaque", read.Type);
    }

    [Fact]
    public async Task Missing_object_is_404_NotFound_status()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedSecretAsync("nope", "staging"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal("Status", status.Kind);
        Assert.Equal("v1", status.ApiVersion);
        Assert.Equal("Failure", status.Status);
        Assert.Equal("NotFound", status.Reason);
        Assert.Equal(404, status.Code);
        Assert.Equal("secrets \"nope\" not found", status.Message);
        Assert.Equal("nope", status.Details.Name);
        Assert.Equal("secrets", status.Details.Kind);
    }

    [Fact]
    public async Task Apps_group_404_names_the_group_in_details()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.ReadNamespacedStatefulSetAsync("stack", "staging"));
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal("statefulsets.apps \"stack\" not found", status.Message);
        Assert.Equal("apps", status.Details.Group);
    }

    [Fact]
    public async Task Creating_twice_is_409_AlreadyExists()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("db"), "staging");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedSecretAsync(Secret("db"), "staging"));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Equal("secrets \"db\" already exists", status.Message);
    }

    [Fact]
    public async Task Replacing_a_stale_version_is_409_Conflict()
    {
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(Secret("db"), "staging");
        created.Metadata.Labels = new Dictionary<string, string> { ["a"] = "1" };
        var replaced = await Client.CoreV1.ReplaceNamespacedSecretAsync(created, "db", "staging");
        Assert.NotEqual(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);

        created.Metadata.Labels["a"] = "2";
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespacedSecretAsync(created, "db", "staging"));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Equal("Conflict", KubernetesJson.Deserialize<V1Status>(e.Response.Content).Reason);
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_404_for_the_namespace()
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedSecretAsync(Secret("db"), "nowhere"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        Assert.Equal("namespaces \"nowhere\" not found", KubernetesJson.Deserialize<V1Status>(e.Response.Content).Message);
    }

    [Fact]
    public async Task Patches_of_every_kind_theClient_sends_are_applied()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("db"), "staging");

        var merge = new V1Patch("{\"metadata\":{\"labels\":{\"replica/target\":\"staging\"}}}", V1Patch.PatchType.MergePatch);
        await Client.CoreV1.PatchNamespacedSecretAsync(merge, "db", "staging");

        var strategic = new V1Patch(new { metadata = new { annotations = new Dictionary<string, string> { ["note"] = "x" } } }, V1Patch.PatchType.StrategicMergePatch);
        await Client.CoreV1.PatchNamespacedSecretAsync(strategic, "db", "staging");

        var json = new V1Patch("[{\"op\":\"add\",\"path\":\"/metadata/labels/replica~1run\",\"value\":\"r1\"}]", V1Patch.PatchType.JsonPatch);
        var patched = await Client.CoreV1.PatchNamespacedSecretAsync(json, "db", "staging");

        Assert.Equal("staging", patched.Metadata.Labels["replica/target"]);
        Assert.Equal("r1", patched.Metadata.Labels["replica/run"]);
        Assert.Equal("x", patched.Metadata.Annotations["note"]);
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(patched.Data["password"]));
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name()
    {
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(Samples.StatefulSet("stack", "xchem/fragalysis-stack:1.0", replicas: 0), "staging");
        var patch = new V1Patch("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"stack\",\"image\":\"xchem/fragalysis-stack:2.0\"}]}}}}", V1Patch.PatchType.StrategicMergePatch);
        var patched = await Client.AppsV1.PatchNamespacedStatefulSetAsync(patch, "stack", "staging");
        var container = Assert.Single(patched.Spec.Template.Spec.Containers);
        Assert.Equal("xchem/fragalysis-stack:2.0", container.Image);
        Assert.Equal(80, container.Ports.Single().ContainerPort);
        Assert.Equal(2, patched.Metadata.Generation);
    }

    [Fact]
    public async Task Server_side_apply_creates_then_updates()
    {
        var service = new V1Service
        {
            ApiVersion = "v1", Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "database", Labels = new Dictionary<string, string> { ["app"] = "database" } },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "database" }, Ports = [new V1ServicePort { Port = 5432 }] },
        };
        var created = await Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(service, V1Patch.PatchType.ApplyPatch), "database", "staging", fieldManager: "replica", force: true);
        Assert.False(string.IsNullOrEmpty(created.Spec.ClusterIP));
        service.Metadata.Labels["replica/run"] = "r2";
        var updated = await Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(service, V1Patch.PatchType.ApplyPatch), "database", "staging", fieldManager: "replica", force: true);
        Assert.Equal("r2", updated.Metadata.Labels["replica/run"]);
        Assert.Equal(created.Spec.ClusterIP, updated.Spec.ClusterIP);
        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
    }

    [Fact]
    public async Task Label_and_field_selectors_filter_lists()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("a", new Dictionary<string, string> { ["replica/target"] = "staging", ["tier"] = "db" }), "staging");
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("b", new Dictionary<string, string> { ["replica/target"] = "staging" }), "staging");
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("c", new Dictionary<string, string> { ["replica/target"] = "dev-alan" }), "staging");

        async Task<string[]> Names(string? labels = null, string? fields = null) =>
            (await Client.CoreV1.ListNamespacedSecretAsync("staging", labelSelector: labels, fieldSelector: fields)).Items.Select(s => s.Metadata.Name).ToArray();

        Assert.Equal(["a", "b"], await Names("replica/target=staging"));
        Assert.Equal(["a"], await Names("replica/target==staging,tier"));
        Assert.Equal(["b", "c"], await Names("!tier"));
        Assert.Equal(["c"], await Names("replica/target notin (staging)"));
        Assert.Equal(["a", "c"], await Names("replica/target in (dev-alan, staging),tier!=web,replica/target!=x", "metadata.name!=b"));
        Assert.Equal(["b"], await Names(fields: "metadata.name=b"));

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Names(fields: "data.password=x"));
        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
    }

    [Fact]
    public async Task List_items_carry_no_kind_and_the_list_has_a_resource_version()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("a"), "staging");
        var list = await Client.CoreV1.ListNamespacedSecretAsync("staging");
        Assert.Equal("SecretList", list.Kind);
        Assert.False(string.IsNullOrEmpty(list.Metadata.ResourceVersion));
        Assert.Null(list.Items.Single().Kind);
    }

    [Fact]
    public async Task Limit_and_continue_page_through_a_list()
    {
        foreach (var n in new[] { "a", "b", "c" }) await Client.CoreV1.CreateNamespacedSecretAsync(Secret(n), "staging");
        var first = await Client.CoreV1.ListNamespacedSecretAsync("staging", limit: 2);
        Assert.Equal(["a", "b"], first.Items.Select(i => i.Metadata.Name));
        var rest = await Client.CoreV1.ListNamespacedSecretAsync("staging", limit: 2, continueParameter: first.Metadata.ContinueProperty);
        Assert.Equal(["c"], rest.Items.Select(i => i.Metadata.Name));
        Assert.Null(rest.Metadata.ContinueProperty);
    }

    [Fact]
    public async Task Delete_and_delete_collection_by_label()
    {
        var labels = new Dictionary<string, string> { ["replica/target"] = "staging" };
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("a", labels), "staging");
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("b", labels), "staging");
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("keep"), "staging");

        var status = await Client.CoreV1.DeleteNamespacedSecretAsync("a", "staging");
        Assert.Equal("Success", status.Status);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.DeleteNamespacedSecretAsync("a", "staging"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);

        await Client.CoreV1.DeleteCollectionNamespacedSecretAsync("staging", labelSelector: "replica/target=staging");
        var left = await Client.CoreV1.ListNamespacedSecretAsync("staging");
        Assert.Equal(["keep"], left.Items.Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task Invalid_objects_are_422()
    {
        var sts = Samples.StatefulSet("stack", "img:1", replicas: 1);
        sts.Spec.Selector.MatchLabels["app"] = "other";
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.CreateNamespacedStatefulSetAsync(sts, "staging"));
        Assert.Equal((HttpStatusCode)422, e.Response.StatusCode);
        Assert.Equal("Invalid", KubernetesJson.Deserialize<V1Status>(e.Response.Content).Reason);
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_its_objects()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("a"), "staging");
        var deleted = await Client.CoreV1.DeleteNamespaceAsync("staging");
        await Eventually.True(async () => (await Client.CoreV1.ListNamespaceAsync()).Items.All(n => n.Metadata.Name != "staging"), "namespace staging to go");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedSecretAsync("a", "staging"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
    }

    [Fact]
    public async Task Read_only_namespace_refuses_writes_like_rbac_and_allows_reads()
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "production-stack" } });
        await Client.CoreV1.CreateNamespacedSecretAsync(Secret("django"), "production-stack");
        Cluster.ReadOnlyNamespace("production-stack");

        Assert.NotNull(await Client.CoreV1.ReadNamespacedSecretAsync("django", "production-stack"));
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.DeleteNamespacedSecretAsync("django", "production-stack"));
        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal("Forbidden", status.Reason);
        Assert.Contains("cannot delete resource \"secrets\"", status.Message);
        await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.DeleteNamespaceAsync("production-stack"));
    }

    [Fact]
    public async Task One_kubeconfig_can_hold_contexts_of_two_simulatedClusters()
    {
        await using var other = await SimulatedCluster.StartAsync();
        var path = Path.Combine(Cluster.Root, "two-contexts");
        Kubeconfig.Write(path, "dev-cluster", [("prod-cluster", Cluster, null), ("dev-cluster", other, "dev-alan")]);

        using var prod = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path, "prod-cluster"));
        using var dev = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        Assert.Contains((await prod.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "staging");
        Assert.DoesNotContain((await dev.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "staging");
        Assert.Equal("dev-alan", KubernetesClientConfiguration.BuildConfigFromConfigFile(path).Namespace);
    }

    [Fact]
    public async Task Https_simulation_is_trusted_through_the_kubeconfig_certificate_authority()
    {
        await using var secure = await SimulatedCluster.StartAsync(https: true);
        Assert.Equal("https", secure.Server.Scheme);
        var path = Path.Combine(secure.Root, "config");
        secure.WriteKubeconfig(path, "prod-cluster");
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path, "prod-cluster"));
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "staging" } });
        var stream = client.CoreV1.WatchListNamespaceAsync(fieldSelector: "metadata.name=staging");
        await foreach (var (type, ns) in stream)
        {
            Assert.Equal((WatchEventType.Added, "staging"), (type, ns.Metadata.Name));
            break;
        }

        // A client that does not trust the simulation's certificate is refused, as with a real cluster.
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(secure.Server, "version")));
    }
}
