using System.ComponentModel;
using Spectre.Console.Cli;

namespace Replica.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class ReplicaSettings : CommandSettings
{
    [CommandOption("--config <PATH>")]
    [Description("replica.yaml to use (default: $REPLICA_CONFIG, else ./replica.yaml)")]
    public string? Config { get; init; }
}

public class TargetSettings : ReplicaSettings
{
    [CommandArgument(0, "<TARGET>")]
    [Description("the target, as named under targets: in replica.yaml")]
    public string Target { get; init; } = "";
}

public class StartSettings : TargetSettings
{
    [CommandOption("--image-tag <TAG>")]
    [Description("the stack's image tag; must equal production's (default: production's, read from source.image_tag)")]
    public string? ImageTag { get; init; }

    [CommandOption("--from-backup <TIME>")]
    [Description("LATEST (default) or a time held in the backup's name, e.g. 2026-11-24T02:04:07Z")]
    public string? FromBackup { get; init; }

    [CommandOption("--max-age-hours <N>")]
    [Description("refuse a backup older than N hours")]
    public string? MaxAgeHoursText { get; init; }

    public int? MaxAgeHours => int.TryParse(MaxAgeHoursText, out var n) ? n : null;

    [CommandOption("--db-only")]
    [Description("restore the database and start the stack, but do not sync the media")]
    public bool DbOnly { get; init; }

    [CommandOption("--in-place")]
    [Description("stop the running stack and database first, then restore (for a machine without room for two databases); by default the new database is prepared beside the running one and the stack switched to it")]
    public bool InPlace { get; init; }

    [CommandOption("--allow-media-delete")]
    [Description("allow the media sync to delete more than media.max_delete_percent of the media volume, or to mirror an empty media backup folder")]
    public bool AllowMediaDelete { get; init; }

    public Core.Workflows.StartRequest ToRequest() => new(Target, ImageTag, FromBackup, MaxAgeHours, DbOnly, InPlace, AllowMediaDelete);

    public override Spectre.Console.ValidationResult Validate() =>
        MaxAgeHoursText is not null && MaxAgeHours is not > 0
            ? Spectre.Console.ValidationResult.Error($"--max-age-hours must be a positive whole number of hours, not '{MaxAgeHoursText}'.")
            : base.Validate();
}

public class JsonSettings : ReplicaSettings
{
    [CommandOption("--json")]
    [Description("print JSON instead of a table")]
    public bool Json { get; init; }
}
