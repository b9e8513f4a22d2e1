using k8s;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Tests.Simulation.Admission;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// In a namespace enforcing Pod Security `restricted` (the simulation's admission refuses pods as a
/// real API server does) every workflow's pods are admitted; and a pod that cannot be created fails
/// the step at once with the controller's FailedCreate message and the object's name, instead of
/// waiting for the Job's 12 h timeout.
/// </summary>
public sealed class PodSecurityTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static Dictionary<string, string> Level(string level) => new() { [PodSecurityAdmission.EnforceLabel] = level };

    private async Task<IReadOnlyList<string>> FailedCreatesAsync() =>
        (await _s.Client.CoreV1.ListNamespacedEventAsync(SimulatedStaging.Namespace)).Items
            .Where(e => e.Reason == "FailedCreate").Select(e => $"{e.InvolvedObject.Name}: {e.Message}").ToList();

    private async Task<RunResult> SucceedsAsync(Task<RunResult> run)
    {
        var result = await run;
        var log = string.Join('\n', _s.Store.Log(result.RunId).Select(l => $"{l.Level}: {l.Message}"));
        Assert.True(result.Status == RunStatus.Succeeded, $"{result.Status}: {result.Message}\n{log}\nFailedCreate: {string.Join("; ", await FailedCreatesAsync())}");
        return result;
    }

    [Fact]
    public async Task Every_workflows_pods_are_admitted_in_a_restricted_namespace()
    {
        await _s.UseOwnNamespaceWithClaimSourcesAsync(Level("restricted"));

        await SucceedsAsync(_s.Workflows.StartAsync(new StartRequest("staging"), new CollectedProgress(), CancellationToken.None));
        await SucceedsAsync(_s.Workflows.UpgradeAsync("staging", "2026.12.1", new CollectedProgress(), CancellationToken.None));
        await SucceedsAsync(_s.Workflows.StopAsync("staging", removeMedia: false, new CollectedProgress(), CancellationToken.None));

        Assert.Empty(await FailedCreatesAsync());
        // Pods ran: the restore (with its wait-for-database init container), the sync, the database and the stack.
        var created = (await _s.Client.CoreV1.ListNamespacedEventAsync(SimulatedStaging.Namespace)).Items
            .Where(e => e.Reason == "SuccessfulCreate" && e.Message.Contains("Pod", StringComparison.OrdinalIgnoreCase)).Select(e => e.InvolvedObject.Name).ToHashSet();
        Assert.Contains("stack", created);
        Assert.Contains(created, n => n.StartsWith("database-", StringComparison.Ordinal)); // the per-run database StatefulSet
        Assert.Contains(created, n => n.StartsWith("restore-", StringComparison.Ordinal));
        Assert.Contains(created, n => n.StartsWith("sync-media-", StringComparison.Ordinal));
        Assert.True(_s.Databases.Count >= 1 && _s.StackPorts.Count >= 2, $"databases {_s.Databases.Count}, stack processes {_s.StackPorts.Count}");
    }

    [Fact]
    public async Task The_admission_refuses_a_pod_without_the_restricted_settings_in_its_own_words()
    {
        await _s.Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = "locked", Labels = Level("restricted") } });
        var pod = new k8s.Models.V1Pod
        {
            Metadata = new() { Name = "plain" },
            Spec = new() { Containers = [new() { Name = "app", Image = "busybox" }] },
        };
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _s.Client.CoreV1.CreateNamespacedPodAsync(pod, "locked"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, e.Response.StatusCode);
        var message = (string?)System.Text.Json.Nodes.JsonNode.Parse(e.Response.Content)?["message"] ?? "";
        Assert.StartsWith("pods \"plain\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false)", message);
        Assert.Contains("runAsNonRoot != true", message);
        Assert.Contains("seccompProfile", message);
    }

    [Fact]
    public async Task A_job_whose_pod_pod_security_refuses_fails_the_step_with_the_event_message_and_the_jobs_name()
    {
        // nfs: volumes are not allowed under restricted; the backups listing Job's pod is refused.
        await _s.Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = SimulatedStaging.Namespace, Labels = Level("restricted") } });
        var e = await Assert.ThrowsAnyAsync<Exception>(() => _s.Workflows.StartAsync(new StartRequest("staging"), new CollectedProgress(), CancellationToken.None));
        Assert.Contains("list-backups", e.Message);
        Assert.Contains("cannot create its pod", e.Message);
        Assert.Contains("violates PodSecurity \"restricted:latest\": restricted volume types (volume \"backups\" uses restricted volume type \"nfs\")", e.Message);
    }

    [Fact]
    public async Task A_statefulset_whose_pod_a_webhook_denies_fails_the_database_step_with_the_webhooks_words()
    {
        _s.Cluster.DenyPods("database-", "policy.example.org", "images must come from registry.example.org");
        var result = await _s.Workflows.StartAsync(new StartRequest("staging"), new CollectedProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(TargetWorkflows.StepCreateDatabase, _s.Store.Steps(result.RunId).Last().Name);
        Assert.Contains("StatefulSet database", result.Message);
        Assert.Contains("admission webhook \"policy.example.org\" denied the request: images must come from registry.example.org", result.Message);
    }
}
