using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Replica.Kubernetes.Tests.Simulation.Api;

namespace Replica.Kubernetes.Tests.Simulation.Store;

/// <summary>
/// The simulation's etcd: every object as JSON, one global resourceVersion counter, and a
/// change feed that watches and the simulated controllers subscribe to. One lock keeps a
/// write, its resourceVersion and its delivery to subscribers in the same order for everyone.
/// </summary>
public sealed class ObjectStore
{
    private const int HistoryLimit = 20_000;

    private readonly object _gate = new();
    private readonly Dictionary<(ResourceType Type, string Ns, string Name), JsonObject> _objects = new();
    private readonly Queue<StoreChange> _history = new();
    private readonly List<StoreSubscription> _subscribers = new();
    private long _version = 1000;

    public long CurrentVersion { get { lock (_gate) return _version; } }

    public JsonObject? Get(ResourceType type, string ns, string name)
    {
        lock (_gate)
            return _objects.TryGetValue((type, Scope(type, ns), name), out var o) ? (JsonObject)o.DeepClone() : null;
    }

    /// <summary>Objects of a type, in one namespace or all (<paramref name="ns"/> null), sorted by namespace then name like the real server.</summary>
    public (List<JsonObject> Items, long Version) List(ResourceType type, string? ns)
    {
        lock (_gate)
        {
            var items = _objects
                .Where(kv => kv.Key.Type == type && (ns is null || kv.Key.Ns == Scope(type, ns)))
                .OrderBy(kv => kv.Key.Ns, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Select(kv => (JsonObject)kv.Value.DeepClone())
                .ToList();
            return (items, _version);
        }
    }

    public JsonObject Create(ResourceType type, string ns, JsonObject obj)
    {
        var name = obj.Name() ?? throw ApiException.BadRequest("metadata.name is required");
        lock (_gate)
        {
            var key = (type, Scope(type, ns), name);
            if (_objects.ContainsKey(key)) throw ApiException.AlreadyExists(type, name);
            var stored = Stamp((JsonObject)obj.DeepClone());
            _objects[key] = stored;
            Publish(ChangeType.Added, type, key.Item2, stored, null);
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>
    /// Read-modify-write under the lock. <paramref name="change"/> gets a copy and returns the
    /// new object; returning an equal object is a no-op that keeps the resourceVersion, as on a real server.
    /// </summary>
    public JsonObject Update(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> change) =>
        TryUpdate(type, ns, name, change) ?? throw ApiException.NotFound(type, name);

    public JsonObject? TryUpdate(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> change)
    {
        lock (_gate)
        {
            var key = (type, Scope(type, ns), name);
            if (!_objects.TryGetValue(key, out var current)) return null;
            var updated = change((JsonObject)current.DeepClone());
            if (JsonNode.DeepEquals(updated, current)) return (JsonObject)current.DeepClone();
            var stored = Stamp((JsonObject)updated.DeepClone());
            _objects[key] = stored;
            Publish(ChangeType.Modified, type, key.Item2, stored, current);
            return (JsonObject)stored.DeepClone();
        }
    }

    public JsonObject Delete(ResourceType type, string ns, string name) =>
        TryDelete(type, ns, name) ?? throw ApiException.NotFound(type, name);

    public JsonObject? TryDelete(ResourceType type, string ns, string name)
    {
        lock (_gate)
        {
            var key = (type, Scope(type, ns), name);
            if (!_objects.Remove(key, out var current)) return null;
            // The DELETED event carries the object at a new resourceVersion, as etcd does.
            var stored = Stamp((JsonObject)current.DeepClone());
            Publish(ChangeType.Deleted, type, key.Item2, stored, current);
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>
    /// A change feed. <paramref name="sinceVersion"/> null means "current state as ADDED, then
    /// changes" (a watch without resourceVersion or with "0"); a number replays retained changes
    /// after it, or fails with 410 Gone when they are no longer retained.
    /// </summary>
    public StoreSubscription Subscribe(Func<ResourceType, string, bool> scope, long? sinceVersion, bool initialState)
    {
        lock (_gate)
        {
            var sub = new StoreSubscription(this, scope);
            if (initialState)
            {
                foreach (var ((type, ns, _), obj) in _objects.OrderBy(kv => kv.Key.Ns, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal))
                    if (scope(type, ns))
                        sub.Offer(new StoreChange(ChangeType.Added, type, ns, (JsonObject)obj.DeepClone(), null, ParseVersion(obj)));
            }
            else if (sinceVersion is long since && since < _version)
            {
                var oldest = _history.Count > 0 ? _history.Peek().ResourceVersion : _version + 1;
                // After compaction nothing older than the current version can be replayed.
                if (since < oldest - 1)
                    throw ApiException.Gone($"too old resource version: {since} ({oldest - 1})");
                foreach (var change in _history)
                    if (change.ResourceVersion > since && scope(change.Resource, change.Namespace)) sub.Offer(change);
            }
            _subscribers.Add(sub);
            return sub;
        }
    }

    /// <summary>Forgets the change history, as etcd compaction does: a watch from an older resourceVersion then gets 410.</summary>
    public void Compact()
    {
        lock (_gate) _history.Clear();
    }

    internal void Unsubscribe(StoreSubscription sub)
    {
        lock (_gate) _subscribers.Remove(sub);
    }

    /// <summary>
    /// Gives the object its new resourceVersion and stores it as parsed JSON, so every number reads
    /// back as any numeric type (a value built in code as int cannot be read as long otherwise).
    /// The clone of the parsed tree has every node materialised: stored objects are read by several
    /// watch streams at once, and a freshly parsed JsonObject initialises itself lazily on first read.
    /// </summary>
    private JsonObject Stamp(JsonObject obj)
    {
        _version++;
        obj.Metadata()["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture);
        return (JsonObject)JsonNode.Parse(obj.ToJsonString())!.DeepClone();
    }

    private void Publish(ChangeType type, ResourceType resource, string ns, JsonObject stored, JsonObject? previous)
    {
        var change = new StoreChange(type, resource, ns, stored, previous, _version);
        _history.Enqueue(change);
        while (_history.Count > HistoryLimit) _history.Dequeue();
        foreach (var sub in _subscribers)
            if (sub.Scope(resource, ns)) sub.Offer(change);
    }

    private static long ParseVersion(JsonObject obj) => long.Parse(obj.ResourceVersion() ?? "0", CultureInfo.InvariantCulture);
    private static string Scope(ResourceType type, string ns) => type.Namespaced ? ns : "";
}

/// <summary>A subscriber's queue of changes; unbounded so a slow reader never blocks a write.</summary>
public sealed class StoreSubscription(ObjectStore store, Func<ResourceType, string, bool> scope) : IDisposable
{
    private readonly Channel<StoreChange> _channel = Channel.CreateUnbounded<StoreChange>(new() { SingleReader = true });
    internal Func<ResourceType, string, bool> Scope { get; } = scope;
    public ChannelReader<StoreChange> Changes => _channel.Reader;
    internal void Offer(StoreChange change) => _channel.Writer.TryWrite(change);

    public void Dispose()
    {
        store.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
