using Replica.Core.Workflows;

namespace Replica.Core.Launch;

/// <summary>
/// One workflow on one target with its typed parameters. A parameter that does not apply to the
/// workflow is an error, never silently dropped.
/// </summary>
public sealed record LaunchRequest(
    string Target,
    WorkflowKind Kind,
    string? ImageTag = null,
    string? FromBackup = null,
    int? MaxAgeHours = null,
    bool RemoveMedia = false,
    bool InPlace = false,
    bool AllowMediaDelete = false)
{
    public bool IsStart => Kind is WorkflowKind.Start or WorkflowKind.StartDbOnly;

    public void Validate()
    {
        var name = Kind.ToName();
        void Only(bool given, string parameter, string appliesTo)
        {
            if (given) throw new InvalidLaunchException($"{parameter} does not apply to {name}; it is for {appliesTo} only, so leave it out.");
        }
        Only(!IsStart && FromBackup is not null, "from_backup", "start");
        Only(!IsStart && MaxAgeHours is not null, "max_age_hours", "start");
        Only(!IsStart && InPlace, "in_place", "start");
        Only(!IsStart && AllowMediaDelete, "allow_media_delete", "start");
        Only(Kind == WorkflowKind.StartDbOnly && AllowMediaDelete, "allow_media_delete", "start without db_only");
        Only(Kind != WorkflowKind.Stop && RemoveMedia, "remove_media", "stop");
        Only(Kind is WorkflowKind.Stop or WorkflowKind.Wipe && ImageTag is not null, "image_tag", "start and upgrade");
        if (Kind == WorkflowKind.Upgrade && string.IsNullOrWhiteSpace(ImageTag))
            throw new InvalidLaunchException("upgrade needs image_tag: the tag to run the stack on.");
        if (MaxAgeHours is <= 0)
            throw new InvalidLaunchException($"max_age_hours must be a positive whole number of hours, not {MaxAgeHours}.");
    }

    public StartRequest ToStartRequest() =>
        new(Target, ImageTag, FromBackup, MaxAgeHours, Kind == WorkflowKind.StartDbOnly, InPlace, AllowMediaDelete);
}
