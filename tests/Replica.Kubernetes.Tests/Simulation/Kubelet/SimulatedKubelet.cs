using Replica.Kubernetes.Tests.Simulation.Controllers;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// The node agent: starts a <see cref="PodRun"/> for each new pod, stops it when the pod is
/// deleted (gracefully, through deletionTimestamp, or at once), and removes a gracefully deleted
/// pod once what it ran has stopped.
/// </summary>
public sealed class SimulatedKubelet(KubeletContext ctx) : IReconciler, IAsyncDisposable
{
    private readonly Dictionary<string, PodRun> _runs = new();
    private readonly HashSet<string> _finished = new();
    private readonly List<PodRun> _stopping = new();

    public void Reconcile()
    {
        var pods = ctx.Store.List(ResourceTypes.Pods, null).Items;
        var present = new HashSet<string>();
        lock (_runs)
        {
            foreach (var pod in pods)
            {
                var uid = pod.Uid()!;
                present.Add(uid);
                var deleting = PodState.IsDeleting(pod);
                if (_runs.TryGetValue(uid, out var run))
                {
                    if (deleting) run.RequestStop(TimeSpan.FromSeconds((int?)pod["metadata"]?["deletionGracePeriodSeconds"] ?? 30));
                    if (run.Ended)
                    {
                        _runs.Remove(uid);
                        _finished.Add(uid);
                        if (run.Stopped) Remove(pod);
                    }
                }
                else if (deleting) Remove(pod);
                else if (!_finished.Contains(uid))
                {
                    var started = new PodRun(ctx, pod);
                    _runs[uid] = started;
                    started.Start();
                }
            }
            // Pods removed without grace (namespace deletion, gracePeriodSeconds=0): stop what they ran.
            foreach (var (uid, run) in _runs.Where(r => !present.Contains(r.Key)).ToList())
            {
                run.RequestStop(TimeSpan.Zero);
                _runs.Remove(uid);
                _stopping.Add(run);
                ctx.Logs.Forget(uid);
            }
        }
    }

    private void Remove(System.Text.Json.Nodes.JsonObject pod)
    {
        var current = ctx.Store.Get(ResourceTypes.Pods, pod.Namespace()!, pod.Name()!);
        if (current?.Uid() != pod.Uid()) return;
        ctx.Store.TryDelete(ResourceTypes.Pods, pod.Namespace()!, pod.Name()!);
        ctx.Logs.Forget(pod.Uid()!);
    }

    public async ValueTask DisposeAsync()
    {
        List<PodRun> runs;
        lock (_runs) runs = _runs.Values.Concat(_stopping).ToList();
        foreach (var run in runs) run.RequestStop(TimeSpan.Zero);
        await Task.WhenAll(runs.Select(r => r.Completion));
    }
}
