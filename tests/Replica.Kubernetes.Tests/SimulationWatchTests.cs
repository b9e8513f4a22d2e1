using k8s;
using k8s.Models;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests;

/// <summary>Watch streams of the simulated API server, consumed by the real KubernetesClient watcher.</summary>
public sealed class SimulationWatchTests : SimulatedNamespaceTest
{
    private static V1ConfigMap Map(string name, string value, string app = "replica") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } },
        Data = new Dictionary<string, string> { ["v"] = value },
    };

    /// <summary>Collects watch events until <paramref name="enough"/> says so, failing clearly after 30 s.</summary>
    private static async Task<List<(WatchEventType Type, T Object)>> Collect<T>(IAsyncEnumerable<(WatchEventType, T)> stream, Func<List<(WatchEventType Type, T Object)>, bool> enough)
    {
        var seen = new List<(WatchEventType Type, T Object)>();
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        try
        {
            await foreach (var e in stream.WithCancellation(timeout.Token))
            {
                seen.Add(e);
                if (enough(seen)) return seen;
            }
        }
        catch (OperationCanceledException) { }
        throw new TimeoutException($"watch ended or timed out before the expected events; saw: {string.Join(", ", seen.Select(s => s.Type))}");
    }

    [Fact]
    public async Task Watch_sees_added_modified_and_deleted()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync("staging");
        using var cts = new CancellationTokenSource();
        var stream = Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true,
            resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token).WatchAsync<V1ConfigMap, V1ConfigMapList>(cancellationToken: cts.Token);
        var collecting = Collect(stream, seen => seen.Any(s => s.Type == WatchEventType.Deleted));

        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("m", "1"), "staging");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"v\":\"2\"}}", V1Patch.PatchType.MergePatch), "m", "staging");
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("m", "staging");

        var seen = await collecting;
        cts.Cancel();
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], seen.Select(s => s.Type));
        Assert.Equal("2", seen[1].Object.Data["v"]);
        Assert.True(long.Parse(seen[2].Object.Metadata.ResourceVersion) > long.Parse(seen[1].Object.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_without_resource_version_starts_with_the_current_objects()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("existing", "1"), "staging");
        using var cts = new CancellationTokenSource();
        var stream = Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true, cancellationToken: cts.Token)
            .WatchAsync<V1ConfigMap, V1ConfigMapList>(cancellationToken: cts.Token);
        var seen = await Collect(stream, s => s.Count >= 1);
        cts.Cancel();
        Assert.Equal(WatchEventType.Added, seen[0].Type);
        Assert.Equal("existing", seen[0].Object.Metadata.Name);
    }

    [Fact]
    public async Task Callback_watcher_with_label_selector_reports_leaving_the_selection_as_deleted()
    {
        var events = new List<(WatchEventType, string)>();
        var done = new TaskCompletionSource();
        var version = (await Client.CoreV1.ListNamespacedConfigMapAsync("staging")).Metadata.ResourceVersion;
        var response = Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true, labelSelector: "app=replica", resourceVersion: version);
        using var watcher = response.Watch<V1ConfigMap, V1ConfigMapList>((type, item) =>
        {
            lock (events) events.Add((type, item.Metadata.Name));
            if (type == WatchEventType.Deleted) done.TrySetResult();
        }, onError: e => done.TrySetException(e));

        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("other", "1", app: "web"), "staging");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("mine", "1"), "staging");
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"labels\":{\"app\":\"web\"}}}", V1Patch.PatchType.MergePatch), "mine", "staging");

        await done.Task.WaitAsync(Eventually.DefaultTimeout);
        lock (events) Assert.Equal([(WatchEventType.Added, "mine"), (WatchEventType.Deleted, "mine")], events);
    }

    [Fact]
    public async Task Watch_ends_after_timeoutSeconds()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("existing", "1"), "staging");
        var stream = Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true, timeoutSeconds: 1)
            .WatchAsync<V1ConfigMap, V1ConfigMapList>();
        using var guard = new CancellationTokenSource(Eventually.DefaultTimeout);
        var count = 0;
        await foreach (var _ in stream.WithCancellation(guard.Token)) count++;
        Assert.False(guard.IsCancellationRequested, "the stream should have been closed by the server");
        Assert.Equal(1, count);
    }

    /// <summary>
    /// A property of KubernetesClient 21 (not of the simulation) worth knowing: the watch call
    /// completes only once the first event line arrives, and a watch that times out with no event
    /// at all fails with HttpRequestException (EndOfStreamException inside), against a real server too.
    /// </summary>
    [Fact]
    public async Task Empty_watch_that_times_out_fails_in_theClient_with_end_of_stream()
    {
        var e = await Assert.ThrowsAsync<HttpRequestException>(() =>
            Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true, timeoutSeconds: 1));
        Assert.IsType<EndOfStreamException>(e.InnerException);
    }

    [Fact]
    public async Task Watch_of_one_named_object_through_field_selector()
    {
        using var cts = new CancellationTokenSource();
        var version = (await Client.CoreV1.ListNamespacedConfigMapAsync("staging")).Metadata.ResourceVersion;
        var stream = Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true, fieldSelector: "metadata.name=b", resourceVersion: version, cancellationToken: cts.Token)
            .WatchAsync<V1ConfigMap, V1ConfigMapList>(cancellationToken: cts.Token);
        var collecting = Collect(stream, s => s.Count >= 1);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "staging");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("b", "1"), "staging");
        var seen = await collecting;
        cts.Cancel();
        Assert.Equal("b", seen.Single().Object.Metadata.Name);
    }

    [Fact]
    public async Task Watch_from_a_compacted_resource_version_gets_a_410_error_event()
    {
        var version = (await Client.CoreV1.ListNamespacedConfigMapAsync("staging")).Metadata.ResourceVersion;
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "staging");
        Cluster.CompactHistory();

        Exception? error = null;
        var seen = 0;
        await foreach (var _ in Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true, resourceVersion: version)
                           .WatchAsync<V1ConfigMap, V1ConfigMapList>(onError: e => error = e))
            seen++;
        Assert.Equal(0, seen);
        var gone = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, gone.Status.Code);
        Assert.Equal("Expired", gone.Status.Reason);
    }

    [Fact]
    public async Task Dropped_watches_end_and_can_resume_from_the_last_version()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "staging");
        var first = new List<V1ConfigMap>();
        var stream = Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true).WatchAsync<V1ConfigMap, V1ConfigMapList>();
        using var guard = new CancellationTokenSource(Eventually.DefaultTimeout);
        await foreach (var (_, map) in stream.WithCancellation(guard.Token))
        {
            first.Add(map);
            Cluster.DropWatches();
        }
        Assert.False(guard.IsCancellationRequested, "the dropped watch should have ended");

        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("b", "1"), "staging");
        var resumed = await Collect(Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("staging", watch: true, resourceVersion: first[^1].Metadata.ResourceVersion)
            .WatchAsync<V1ConfigMap, V1ConfigMapList>(), s => s.Count >= 1);
        Assert.Equal("b", resumed[0].Object.Metadata.Name);
    }

    /// <summary>The generated watch methods of KubernetesClient 21 (the ones not marked obsolete) work the same way.</summary>
    [Fact]
    public async Task Generated_WatchList_method_sees_added_and_deleted()
    {
        var version = (await Client.CoreV1.ListNamespacedConfigMapAsync("staging")).Metadata.ResourceVersion;
        using var cts = new CancellationTokenSource();
        var stream = Client.CoreV1.WatchListNamespacedConfigMapAsync("staging", labelSelector: "app=replica", resourceVersion: version, cancellationToken: cts.Token);
        var collecting = Collect(stream, s => s.Any(e => e.Type == WatchEventType.Deleted));
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("m", "1"), "staging");
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("m", "staging");
        var seen = await collecting;
        cts.Cancel();
        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], seen.Select(e => e.Type));
    }

    [Fact]
    public async Task An_open_watch_shows_in_the_audit()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Map("a", "1"), "staging");
        using var cts = new CancellationTokenSource();
        var seen = await Collect(Client.CoreV1.WatchListNamespacedConfigMapAsync("staging", cancellationToken: cts.Token), s => s.Count >= 1);
        Assert.Contains(Cluster.Requests, r => r is { Method: "GET", Resource: "configmaps", Namespace: "staging", StatusCode: 200 } && r.Query.Contains("watch=true"));
        cts.Cancel();
    }
}
