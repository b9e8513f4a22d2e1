using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>One container's state as kubelet tracks it; becomes an entry of `status.containerStatuses`.</summary>
public sealed class ContainerState(string name, string image, string initialReason = "ContainerCreating")
{
    public string Name { get; } = name;
    public string Image { get; } = image;
    public string? WaitingReason { get; private set; } = initialReason;
    public string? WaitingMessage { get; private set; }
    public DateTime? RunningSince { get; private set; }
    public JsonObject? Terminated { get; private set; }
    public JsonObject? LastTerminated { get; private set; }
    public bool Ready { get; private set; }
    public bool EverStarted { get; private set; }
    public int RestartCount { get; private set; }
    public string ContainerId { get; private set; } = "";

    public void Wait(string reason, string? message = null)
    {
        WaitingReason = reason; WaitingMessage = message; RunningSince = null; Ready = false;
        if (Terminated is not null) { LastTerminated = Terminated; Terminated = null; }
    }

    public void Run(bool ready)
    {
        if (Terminated is not null) { LastTerminated = Terminated; Terminated = null; }
        WaitingReason = null; WaitingMessage = null;
        RunningSince = DateTime.UtcNow; Ready = ready; EverStarted = true;
        ContainerId = $"containerd://{Guid.NewGuid():N}";
    }

    public void Exit(int exitCode, string? message = null)
    {
        Terminated = new JsonObject
        {
            ["exitCode"] = exitCode,
            ["reason"] = exitCode == 0 ? "Completed" : "Error",
            ["startedAt"] = ObjectMeta.Timestamp(RunningSince ?? DateTime.UtcNow),
            ["finishedAt"] = ObjectMeta.Now(),
            ["containerID"] = ContainerId,
        };
        if (message is not null) Terminated["message"] = message;
        WaitingReason = null; RunningSince = null; Ready = false; EverStarted = true;
    }

    public void Restarted() => RestartCount++;

    public void MarkReady() { if (RunningSince is not null) Ready = true; }

    public void MarkNotReady() => Ready = false;

    public JsonObject ToStatus()
    {
        JsonObject state;
        if (Terminated is not null) state = new JsonObject { ["terminated"] = Terminated.DeepClone() };
        else if (RunningSince is DateTime since) state = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = ObjectMeta.Timestamp(since) } };
        else
        {
            var waiting = new JsonObject { ["reason"] = WaitingReason };
            if (WaitingMessage is not null) waiting["message"] = WaitingMessage;
            state = new JsonObject { ["waiting"] = waiting };
        }
        var status = new JsonObject
        {
            ["name"] = Name,
            ["state"] = state,
            ["lastState"] = LastTerminated is null ? new JsonObject() : new JsonObject { ["terminated"] = LastTerminated.DeepClone() },
            ["ready"] = Ready,
            ["restartCount"] = RestartCount,
            ["image"] = Image,
            ["imageID"] = EverStarted ? $"{Image.Split(':')[0]}@sha256:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Image))).ToLowerInvariant()}" : "",
            ["started"] = RunningSince is not null,
        };
        if (ContainerId.Length > 0) status["containerID"] = ContainerId;
        return status;
    }
}
