using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Controllers;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// One pod on the simulated node, from scheduling to its end: wait for its PVCs to bind, mount
/// its volumes, pull images (or fail to), then per container either the test's start callback,
/// a declared crash, a local `replica worker` process, or an idle long-running stand-in, with
/// restarts and back-off by restartPolicy. Status and Events follow each step.
/// </summary>
public sealed partial class PodRun
{
    private const string Scheduler = "default-scheduler";
    private const string Kubelet = "kubelet";

    private readonly KubeletContext _ctx;
    private readonly string _ns, _name, _uid, _restartPolicy;
    private readonly JsonObject _pod;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ContainerState> _containers;
    private readonly List<ContainerState> _initContainers;
    private readonly List<IAsyncDisposable> _handles = new();
    private readonly object _statusGate = new();
    private bool _scheduled, _mounted;
    private string? _unschedulable;
    private static int _nextPodIp = 10;

    public PodRun(KubeletContext ctx, JsonObject pod)
    {
        _ctx = ctx;
        _pod = pod;
        _ns = pod.Namespace()!;
        _name = pod.Name()!;
        _uid = pod.Uid()!;
        _restartPolicy = (string?)pod["spec"]?["restartPolicy"] ?? "Always";
        _initContainers = ((pod["spec"]?["initContainers"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Select(c => new ContainerState((string?)c["name"] ?? "", (string?)c["image"] ?? "", "PodInitializing")).ToList();
        _containers = ((pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Select(c => new ContainerState((string?)c["name"] ?? "", (string?)c["image"] ?? "", _initContainers.Count > 0 ? "PodInitializing" : "ContainerCreating")).ToList();
    }

    public string Uid => _uid;
    public Task Completion { get; private set; } = Task.CompletedTask;
    /// <summary>True when the run ended because the pod was deleted (so the kubelet removes the object).</summary>
    public bool Stopped => _stop.IsCancellationRequested;

    public void Start() => Completion = Task.Run(RunAsync);

    private volatile bool _ended;

    /// <summary>Everything the pod ran has stopped (set before the controllers are woken to act on it).</summary>
    public bool Ended => _ended;

    /// <summary>How long a stopping container may take after SIGTERM before it is killed (the pod's grace period, capped).</summary>
    public TimeSpan Grace { get; private set; }

    /// <param name="grace">the pod's deletion grace period; zero when the pod was removed without grace.</param>
    public void RequestStop(TimeSpan grace)
    {
        if (_stop.IsCancellationRequested) return;
        Grace = grace < MaxGrace ? grace : MaxGrace;
        _stop.Cancel();
    }

    /// <summary>The simulation's cap on grace periods (real pods default to 30 s), so tests stay bounded.</summary>
    private static readonly TimeSpan MaxGrace = TimeSpan.FromSeconds(5);

    private TimeSpan Step => _ctx.StepDelay();

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        try
        {
            await ScheduleAsync(stop);
            var volumes = await MountAsync(stop);
            if (!await RunInitContainersAsync(volumes, stop)) return;
            var specs = ((_pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? []).ToList();
            await Task.WhenAll(specs.Select((spec, i) => RunContainerAsync(i, spec, _containers[i], volumes, stop)));
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            _ctx.Faults.Add($"pod {_ns}/{_name} run failed", e);
        }
        finally
        {
            _ctx.Rules.ForgetPod(_ns, _name);
            foreach (var handle in _handles)
            {
                try { await handle.DisposeAsync(); }
                catch (Exception e) { Console.Error.WriteLine($"simulation: stopping what the test started for pod {_ns}/{_name} failed: {e.Message}"); }
            }
            // The kubelet removes a deleted pod once its run has ended: wake the controllers rather than wait for their tick.
            _ended = true;
            _ctx.Wake();
        }
    }

    private async Task ScheduleAsync(CancellationToken stop)
    {
        while (true)
        {
            var problem = UnboundClaim();
            if (problem is null) break;
            _unschedulable = $"0/1 nodes are available: {problem}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
            _ctx.Events.Warning(ResourceTypes.Pods, _pod, "FailedScheduling", _unschedulable, Scheduler);
            Publish();
            await Task.Delay(TimeSpan.FromMilliseconds(200), stop);
        }
        var ip = $"10.244.0.{Interlocked.Increment(ref _nextPodIp) % 250 + 2}";
        _ctx.Store.TryUpdate(ResourceTypes.Pods, _ns, _name, p =>
        {
            if (p.Uid() != _uid) return p;
            p["spec"]!["nodeName"] = EventRecorder.NodeName;
            var status = (JsonObject)p["status"]!;
            status["hostIP"] = "10.0.0.10";
            status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = "10.0.0.10" });
            status["podIP"] = ip;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip });
            status["startTime"] = ObjectMeta.Now();
            return p;
        });
        _scheduled = true;
        _ctx.Events.Normal(ResourceTypes.Pods, _pod, "Scheduled", $"Successfully assigned {_ns}/{_name} to {EventRecorder.NodeName}", Scheduler);
        Publish();
        await Task.Delay(Step, stop);
    }

    private string? UnboundClaim()
    {
        foreach (var volume in (_pod["spec"]?["volumes"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if ((string?)volume["persistentVolumeClaim"]?["claimName"] is not { } claim) continue;
            var pvc = _ctx.Store.Get(ResourceTypes.Pvcs, _ns, claim);
            if (pvc is null) return $"persistentvolumeclaim \"{claim}\" not found";
            if (PodState.IsDeleting(pvc)) return $"persistentvolumeclaim \"{claim}\" is being deleted";
            if ((string?)pvc["status"]?["phase"] != "Bound") return "pod has unbound immediate PersistentVolumeClaims";
        }
        return null;
    }

    private async Task<IReadOnlyDictionary<string, string>> MountAsync(CancellationToken stop)
    {
        while (true)
        {
            try
            {
                var volumes = _ctx.Volumes.Mount(_pod);
                _mounted = true;
                return volumes;
            }
            catch (LaunchFailure failure)
            {
                _ctx.Events.Warning(ResourceTypes.Pods, _pod, failure.EventReason, failure.Message, Kubelet);
                Publish();
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
            }
        }
    }

    private SimulatedPod SimulatedPodFor(ContainerState state, LaunchPlan plan, ContainerLog log)
    {
        var owner = _pod.OwnerReferences().FirstOrDefault(o => (bool?)o["controller"] == true);
        return new SimulatedPod(_ctx.Cluster, _ns, _name, _uid, _pod.Labels(), state.Name, state.Image, plan.Command,
            plan.Environment, plan.Mounts, (string?)owner?["kind"], (string?)owner?["name"], log.Append);
    }

    private JsonObject CurrentPod() => _ctx.Store.Get(ResourceTypes.Pods, _ns, _name) is { } p && p.Uid() == _uid ? p : _pod;

    /// <summary>Writes the status the containers' states add up to; a no-op once the pod is gone.</summary>
    private void Publish()
    {
        lock (_statusGate)
        {
            _ctx.Store.TryUpdate(ResourceTypes.Pods, _ns, _name, p =>
            {
                if (p.Uid() != _uid) return p;
                p["status"] = PodStatusBuilder.Build((JsonObject)(p["status"] ?? new JsonObject()), _restartPolicy, _initContainers, _containers, _scheduled, _mounted, _unschedulable);
                return p;
            });
        }
    }
}
