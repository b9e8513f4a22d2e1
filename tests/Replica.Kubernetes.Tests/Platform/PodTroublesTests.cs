using Xunit;
using k8s.Models;
using Replica.Kubernetes.Waiting;

namespace Replica.Kubernetes.Tests.Platform;

public sealed class PodTroublesTests
{
    private static V1Pod Pod(string? waitingReason = null, string? unschedulable = null, string phase = "Pending") => new()
    {
        Metadata = new V1ObjectMeta { Name = "stack-0" },
        Spec = new V1PodSpec { RestartPolicy = "Always", Containers = [new V1Container { Name = "stack" }] },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses = waitingReason is null ? null :
                [new V1ContainerStatus { Name = "stack", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = waitingReason, Message = "details" } } }],
            Conditions = unschedulable is null ? null :
                [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = unschedulable }],
        },
    };

    [Theory]
    [InlineData("ImagePullBackOff")]
    [InlineData("ErrImagePull")]
    [InlineData("CrashLoopBackOff")]
    [InlineData("CreateContainerConfigError")]
    public void Stuck_container_states_are_troubles(string reason)
    {
        var t = PodTroubles.Find(Pod(reason), DateTimeOffset.UtcNow, new Dictionary<string, DateTimeOffset>(), TimeSpan.FromMinutes(1));
        Assert.NotNull(t);
        Assert.Equal(reason, t.Reason);
        Assert.Contains("stack-0", t.ToString());
    }

    [Theory]
    [InlineData("ContainerCreating")]
    [InlineData("PodInitializing")]
    public void Ordinary_waiting_is_not(string reason) =>
        Assert.Null(PodTroubles.Find(Pod(reason), DateTimeOffset.UtcNow, new Dictionary<string, DateTimeOffset>(), TimeSpan.FromMinutes(1)));

    [Fact]
    public void An_unbound_claim_is_trouble_only_after_its_grace()
    {
        var pending = new Dictionary<string, DateTimeOffset>();
        var pod = Pod(unschedulable: "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
        var t0 = DateTimeOffset.UtcNow;
        Assert.Null(PodTroubles.Find(pod, t0, pending, TimeSpan.FromSeconds(30)));
        Assert.Null(PodTroubles.Find(pod, t0.AddSeconds(29), pending, TimeSpan.FromSeconds(30)));
        Assert.NotNull(PodTroubles.Find(pod, t0.AddSeconds(30), pending, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_missing_claim_is_trouble_at_once()
    {
        var pod = Pod(unschedulable: "persistentvolumeclaim \"media\" not found");
        Assert.NotNull(PodTroubles.Find(pod, DateTimeOffset.UtcNow, new Dictionary<string, DateTimeOffset>(), TimeSpan.FromHours(1)));
    }
}
