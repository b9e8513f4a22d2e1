using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>One level-triggered reconciler: looks at the whole store and moves it one step toward the desired state.</summary>
public interface IReconciler
{
    void Reconcile();
}

/// <summary>
/// Runs the simulated controllers: after any change (and on a one-second tick, for timers such as
/// back-off and deadlines) each reconciler looks at the store. The store is small, so
/// reconciling everything every time keeps the controllers simple and order-independent.
/// </summary>
public sealed class ControllerLoop(ObjectStore store, IReadOnlyList<IReconciler> reconcilers, SimulationFaults faults) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private Task? _loop;

    /// <summary>Reconcile soon although the store did not change (a pod's processes ended, a timer fired).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public void Start()
    {
        var subscription = store.Subscribe((_, _) => true, null, initialState: false);
        _loop = Task.Run(() => RunAsync(subscription));
    }

    private async Task RunAsync(StoreSubscription subscription)
    {
        using (subscription)
        {
            while (!_stop.IsCancellationRequested)
            {
                foreach (var reconciler in reconcilers)
                {
                    try { reconciler.Reconcile(); }
                    catch (Exception e)
                    {
                        faults.Add($"{reconciler.GetType().Name} failed", e);
                    }
                }
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                tick.CancelAfter(TimeSpan.FromSeconds(1));
                try { await Task.WhenAny(subscription.Changes.WaitToReadAsync(tick.Token).AsTask(), _wake.Reader.WaitToReadAsync(tick.Token).AsTask()); }
                catch (OperationCanceledException) { }
                while (subscription.Changes.TryRead(out _)) { }
                while (_wake.Reader.TryRead(out _)) { }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop;
    }
}
