using Replica.Dumps;
using Replica.Core.Guards;
using Replica.Core.Workflows;

namespace Replica.Core.Launch;

/// <summary>The plan of every workflow: the same guards as the run, and nothing changed.</summary>
public sealed class WorkflowPlanner(TargetWorkflows workflows)
{
    public async Task<WorkflowPlan> PlanAsync(LaunchRequest request, CancellationToken ct)
    {
        request.Validate();
        var name = request.Kind.ToRecorded();
        switch (request.Kind)
        {
            case WorkflowKind.Start or WorkflowKind.StartDbOnly:
            {
                var p = await workflows.PlanStartAsync(request.ToStartRequest(), ct);
                return new WorkflowPlan(p.Target, name, p.Platform, p.Steps, p.ImageTag,
                    p.ImageTagGiven ? "given, equal to production's" : "production's",
                    p.Backup is { } b ? new PlannedBackup(b.Name, b.Time, p.Dump!.Flavour.ToWire(), p.Dump.Gzipped, b.SizeBytes, b.Kinds) : null,
                    p.MediaLocation, p.MediaExists,
                    p.Previous?.Database is null ? "first start: no database to keep"
                        : p.SideBySide ? $"side by side: the new database is prepared beside the running one ({p.Previous.BackupName}, run {p.Previous.RestoredBy}), which serves until the switch"
                        : "in place: the running stack and database are stopped first",
                    p.BackupUnlisted is { } unlisted ? [.. p.Warnings ?? [], $"backup not chosen: {unlisted}"] : p.Warnings ?? [])
                {
                    Changes = p.Changes,
                };
            }
            case WorkflowKind.Stop:
            {
                var (target, platform) = workflows.Writable(request.Target, "stop");
                List<string> steps = [TargetWorkflows.StepStopStack, TargetWorkflows.StepRemoveDatabase];
                if (request.RemoveMedia) steps.Add(TargetWorkflows.StepRemoveMedia);
                return new WorkflowPlan(target.Name, name, target.Platform, steps, MediaLocation: platform.MediaLocation(target),
                    MediaExists: await platform.MediaVolumeExistsAsync(target, ct), Warnings: []);
            }
            case WorkflowKind.Wipe:
            {
                var (target, platform) = workflows.Writable(request.Target, "wipe");
                return new WorkflowPlan(target.Name, name, target.Platform,
                    [TargetWorkflows.StepStopStack, TargetWorkflows.StepRemoveDatabase, TargetWorkflows.StepRemoveMedia, TargetWorkflows.StepRemoveTarget],
                    MediaLocation: platform.MediaLocation(target), MediaExists: await platform.MediaVolumeExistsAsync(target, ct), Warnings: []);
            }
            case WorkflowKind.Upgrade:
            {
                var (target, platform) = workflows.Writable(request.Target, "upgrade");
                WorkflowGuards.EnsureImageTag(request.ImageTag!, "image_tag");
                return new WorkflowPlan(target.Name, name, target.Platform, [TargetWorkflows.StepStartStack], request.ImageTag, "given",
                    MediaLocation: platform.MediaLocation(target), Warnings: []);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(request));
        }
    }
}
