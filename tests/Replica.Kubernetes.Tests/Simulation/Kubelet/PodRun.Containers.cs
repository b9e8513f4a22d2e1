using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// One container of a simulated pod: image pull (or its failure), the launch plan, what runs it
/// (the test's callback, a declared crash, a local `replica worker` process, or an idle stand-in),
/// and restarts with back-off by restartPolicy.
/// </summary>
public sealed partial class PodRun
{
    private async Task RunContainerAsync(int index, JsonObject spec, ContainerState state, IReadOnlyDictionary<string, string> volumes, CancellationToken stop)
    {
        var fieldPath = $"spec.containers{{{state.Name}}}";
        if (_ctx.Rules.IsUnpullable(state.Image))
        {
            await FailPullAsync(state, fieldPath, stop);
            return;
        }
        _ctx.Events.Normal(ResourceTypes.Pods, _pod, "Pulled", $"Container image \"{state.Image}\" already present on machine", Kubelet, fieldPath);

        for (int attempt = 0; ; attempt++)
        {
            LaunchPlan plan;
            try { plan = _ctx.Launch.Plan(CurrentPod(), spec, volumes); }
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
            int exitCode;
            try { exitCode = await ExecuteAsync(index, spec, state, plan, log, stop); }
            finally { log.Finish(); }

            state.Exit(exitCode);
            Publish();
            // Stopped because the pod is going: the terminated state is visible until the pod is removed.
            stop.ThrowIfCancellationRequested();
            if (_restartPolicy == "Never" || (_restartPolicy == "OnFailure" && exitCode == 0)) return;

            // Like kubelet: the first restart is immediate, later ones wait in CrashLoopBackOff with a growing back-off.
            if (attempt > 0)
            {
                var backoff = TimeSpan.FromMilliseconds(Math.Min(2000, Step.TotalMilliseconds * 4 * (1 << Math.Min(attempt - 1, 5))));
                _ctx.Events.Warning(ResourceTypes.Pods, _pod, "BackOff", $"Back-off restarting failed container {state.Name} in pod {_name}_{_ns}({_uid})", Kubelet, fieldPath);
                state.Wait("CrashLoopBackOff", $"back-off {backoff.TotalSeconds:0.#}s restarting failed container={state.Name} pod={_name}_{_ns}({_uid})");
                Publish();
                await Task.Delay(backoff, stop);
            }
            state.Restarted();
        }
    }

    private async Task<int> ExecuteAsync(int index, JsonObject spec, ContainerState state, LaunchPlan plan, ContainerLog log, CancellationToken stop)
    {
        var neverReady = _ctx.Rules.IsNeverReady(state.Image);
        if (index == 0)
        {
            var simulated = SimulatedPodFor(state, plan, log);
            if (_ctx.Rules.PodStartFor(simulated) is { } rule)
            {
                IAsyncDisposable? handle;
                try { handle = await rule.Start(simulated, stop); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.Append($"simulation: the test's start callback for this pod failed: {e.Message}");
                    return 1;
                }
                if (handle is not null) lock (_handles) _handles.Add(handle);
                await RunAsync(state, neverReady, spec, stop);
                await Task.Delay(Timeout.Infinite, stop);
            }
        }
        if (_ctx.Rules.Crash(state.Image) is { } crash)
        {
            await RunAsync(state, neverReady: true, spec, stop, markReady: false);
            log.Append(crash.Log);
            await Task.Delay(Step, stop);
            return crash.ExitCode;
        }
        if (WorkerProcess.IsReplicaWorker(plan.Command))
        {
            await RunAsync(state, neverReady, spec, stop);
            return await WorkerProcess.RunAsync(_ctx.ReplicaDll(), plan, log, () => Grace, stop);
        }
        if (_ctx.Rules.RunsShell(state.Image) && ShellCommand.Matches(plan.Command))
        {
            await RunAsync(state, neverReady, spec, stop);
            return await ShellCommand.RunAsync(plan, log, () => Grace, stop);
        }
        if (_restartPolicy != "Always")
        {
            await RunAsync(state, neverReady: true, spec, stop);
            log.Append($"simulation: this simulated cluster runs only `replica worker …` commands; container \"{state.Name}\" ({state.Image}) asked for: "
                       + (plan.Command.Count == 0 ? "(the image's default entrypoint)" : string.Join(' ', plan.Command)));
            return 127;
        }
        await RunAsync(state, neverReady, spec, stop);
        log.Append($"simulation: container \"{state.Name}\" ({state.Image}) is simulated as running; nothing is executed for it");
        await Task.Delay(Timeout.Infinite, stop);
        return 0;
    }

    /// <summary>Running now, Ready a step later (or never, with Unhealthy events, for images declared never ready).</summary>
    private async Task RunAsync(ContainerState state, bool neverReady, JsonObject spec, CancellationToken stop, bool markReady = true)
    {
        state.Run(ready: false);
        Publish();
        if (!markReady) return;
        if (neverReady)
        {
            if (spec["readinessProbe"] is not null)
                _ctx.Events.Warning(ResourceTypes.Pods, _pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", Kubelet, $"spec.containers{{{state.Name}}}");
            return;
        }
        var probe = ReadinessProbe.For(spec);
        var containerId = state.ContainerId;
        _ = Task.Run(async () =>
        {
            try { await ReadinessLoopAsync(state, containerId, probe, stop); }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
        await Task.CompletedTask;
    }

    /// <summary>
    /// Ready a step after start, or, when the container has an httpGet/tcpSocket readiness probe and the
    /// pod serves an endpoint, whenever the probe passes (not Ready after failureThreshold failures),
    /// for as long as this run of the container lasts.
    /// </summary>
    private async Task ReadinessLoopAsync(ContainerState state, string containerId, ReadinessProbe? probe, CancellationToken stop)
    {
        await Task.Delay(Step, stop);
        var failures = 0;
        while (state.ContainerId == containerId && state.RunningSince is not null)
        {
            var endpoint = probe is null ? null : _ctx.Rules.Endpoint(_ns, _name);
            if (probe is null || endpoint is null)
            {
                // Nothing to probe for real: assume the probe passes, as the simulation cannot run it.
                state.MarkReady();
                Publish();
                return;
            }
            var failure = await probe.CheckAsync(endpoint.Value.Host, endpoint.Value.Port, stop);
            if (failure is null)
            {
                failures = 0;
                if (!state.Ready) { state.MarkReady(); Publish(); }
            }
            else
            {
                _ctx.Events.Warning(ResourceTypes.Pods, _pod, "Unhealthy", $"Readiness probe failed: {failure}", Kubelet, $"spec.containers{{{state.Name}}}");
                if (++failures >= probe.FailureThreshold && state.Ready) { state.MarkNotReady(); Publish(); }
            }
            await Task.Delay(Step * 2, stop);
        }
    }

    private async Task FailPullAsync(ContainerState state, string fieldPath, CancellationToken stop)
    {
        var image = state.Image;
        var reference = image.Contains('/') ? image : $"library/{image}";
        var message = $"Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/{reference}\": failed to resolve reference \"docker.io/{reference}\": docker.io/{reference}: not found";
        _ctx.Events.Normal(ResourceTypes.Pods, _pod, "Pulling", $"Pulling image \"{image}\"", Kubelet, fieldPath);
        await Task.Delay(Step, stop);
        _ctx.Events.Warning(ResourceTypes.Pods, _pod, "Failed", message, Kubelet, fieldPath);
        _ctx.Events.Warning(ResourceTypes.Pods, _pod, "Failed", "Error: ErrImagePull", Kubelet, fieldPath);
        state.Wait("ErrImagePull", message);
        Publish();
        await Task.Delay(Step, stop);
        _ctx.Events.Normal(ResourceTypes.Pods, _pod, "BackOff", $"Back-off pulling image \"{image}\"", Kubelet, fieldPath);
        _ctx.Events.Warning(ResourceTypes.Pods, _pod, "Failed", "Error: ImagePullBackOff", Kubelet, fieldPath);
        state.Wait("ImagePullBackOff", $"Back-off pulling image \"{image}\": ErrImagePull: {message}");
        Publish();
        await Task.Delay(Timeout.Infinite, stop);
    }
}
