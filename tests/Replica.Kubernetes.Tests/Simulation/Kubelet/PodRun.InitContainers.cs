using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// Init containers, one after the other before the pod's containers: `replica worker …` and a
/// `pg_isready` wait script (<see cref="DatabaseWaitScript"/>) run for real, a declared crash fails, anything else cannot be run here and counts as completed (its log
/// says so). A failure fails the pod under restartPolicy Never, else the init container restarts
/// with back-off, as kubelet does.
/// </summary>
public sealed partial class PodRun
{
    /// <returns>false when the pod cannot go on (an init container failed for good, or its image cannot be pulled).</returns>
    private async Task<bool> RunInitContainersAsync(IReadOnlyDictionary<string, string> volumes, CancellationToken stop)
    {
        var specs = ((_pod["spec"]?["initContainers"] as JsonArray)?.OfType<JsonObject>() ?? []).ToList();
        for (int i = 0; i < specs.Count; i++)
        {
            var state = _initContainers[i];
            var fieldPath = $"spec.initContainers{{{state.Name}}}";
            if (_ctx.Rules.IsUnpullable(state.Image))
            {
                await FailPullAsync(state, fieldPath, stop);
                return false;
            }
            _ctx.Events.Normal(ResourceTypes.Pods, _pod, "Pulled", $"Container image \"{state.Image}\" already present on machine", Kubelet, fieldPath);
            for (int attempt = 0; ; attempt++)
            {
                LaunchPlan plan;
                try { plan = _ctx.Launch.Plan(CurrentPod(), specs[i], volumes); }
                catch (LaunchFailure failure)
                {
                    state.Wait(failure.WaitingReason, failure.Message);
                    _ctx.Events.Warning(ResourceTypes.Pods, _pod, failure.EventReason, failure.Message, Kubelet, fieldPath);
                    Publish();
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                    attempt--;
                    continue;
                }
                var log = _ctx.Logs.Start(_uid, state.Name);
                _ctx.Events.Normal(ResourceTypes.Pods, _pod, "Created", $"Created container: {state.Name}", Kubelet, fieldPath);
                _ctx.Events.Normal(ResourceTypes.Pods, _pod, "Started", $"Started container {state.Name}", Kubelet, fieldPath);
                state.Run(ready: false);
                Publish();
                int exitCode;
                var spec = specs[i];
                try { exitCode = await ExecuteInitAsync(state, plan, () => _ctx.Launch.Plan(CurrentPod(), spec, volumes), log, stop); }
                finally { log.Finish(); }
                state.Exit(exitCode);
                Publish();
                stop.ThrowIfCancellationRequested();
                if (exitCode == 0) break;
                if (_restartPolicy == "Never") return false;

                var backoff = TimeSpan.FromMilliseconds(Math.Min(2000, Step.TotalMilliseconds * 4 * (1 << Math.Min(attempt, 5))));
                _ctx.Events.Warning(ResourceTypes.Pods, _pod, "BackOff", $"Back-off restarting failed container {state.Name} in pod {_name}_{_ns}({_uid})", Kubelet, fieldPath);
                state.Wait("CrashLoopBackOff", $"back-off {backoff.TotalSeconds:0.#}s restarting failed container={state.Name} pod={_name}_{_ns}({_uid})");
                Publish();
                await Task.Delay(backoff, stop);
                state.Restarted();
            }
        }
        return true;
    }

    private async Task<int> ExecuteInitAsync(ContainerState state, LaunchPlan plan, Func<LaunchPlan> replan, ContainerLog log, CancellationToken stop)
    {
        if (_ctx.Rules.Crash(state.Image) is { } crash)
        {
            log.Append(crash.Log);
            return crash.ExitCode;
        }
        if (WorkerProcess.IsReplicaWorker(plan.Command))
            return await WorkerProcess.RunAsync(_ctx.ReplicaDll(), plan, log, () => Grace, stop);
        if (DatabaseWaitScript.Matches(plan.Command))
            return await DatabaseWaitScript.RunAsync(replan, log, () => Grace, Step, stop);
        if (FileSystemFlush.Matches(plan.Command))
            return await FileSystemFlush.RunAsync(plan, log, () => Grace, stop);
        log.Append($"simulation: init container \"{state.Name}\" ({state.Image}) cannot be run here and counts as completed; it asked for: "
                   + (plan.Command.Count == 0 ? "(the image's default entrypoint)" : string.Join(' ', plan.Command)));
        await Task.Delay(Step, stop);
        return 0;
    }
}
