using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Replica.Kubernetes.Waiting;

/// <summary>
/// The current objects of one kind matching a selector: listed once, then kept up to date by a
/// watch from the list's resourceVersion (re-listed when the watch ends or the version expires).
/// Every change calls <c>changed</c>, so a waiter reacts within moments instead of polling.
/// </summary>
public sealed class ObjectWatch<T> : IAsyncDisposable where T : IKubernetesObject<V1ObjectMeta>
{
    // Replaced whole on each list, so a reader never sees the moment between clearing and refilling.
    private volatile ConcurrentDictionary<string, T> _objects = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;
    private readonly Action _changed;
    private volatile bool _listed;

    public ObjectWatch(WatchedKind<T> kind, string selector, Action changed, CancellationToken ct)
    {
        _changed = changed;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = Task.Run(() => RunAsync(kind, selector, _stop.Token));
    }

    /// <summary>Whether the first list has arrived (before that, "no objects" means "not known yet").</summary>
    public bool Listed => _listed;

    /// <summary>Set when listing keeps failing; the waiter reports it.</summary>
    public Exception? Failure { get; private set; }

    public IReadOnlyCollection<T> Objects => (IReadOnlyCollection<T>)_objects.Values;

    private async Task RunAsync(WatchedKind<T> kind, string selector, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (items, rv) = await kind.List(selector, ct);
                var listed = new ConcurrentDictionary<string, T>(StringComparer.Ordinal);
                foreach (var o in items) listed[o.Metadata.Name] = o;
                _objects = listed;
                _listed = true;
                failures = 0;
                _changed();
                await foreach (var (type, obj) in kind.Watch(selector, rv ?? "", ct))
                {
                    if (type == WatchEventType.Error) break; // e.g. 410 Gone: list again
                    if (obj?.Metadata?.Name is not { } name) continue;
                    if (type == WatchEventType.Deleted) _objects.TryRemove(name, out _);
                    else if (type is WatchEventType.Added or WatchEventType.Modified) _objects[name] = obj;
                    else continue;
                    _changed();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) // a refused or dropped request, a client-side timeout, an undecodable event
            {
                // An expired resourceVersion (410) or a dropped connection: list again after a short pause.
                if (++failures >= 5 && !_listed || failures >= 30)
                {
                    Failure = e;
                    _changed();
                    return;
                }
                try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 * failures, 2000)), ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
