using Replica.Core.Backups;
using Replica.Core.Platforms;
using Replica.Dumps;
using Replica.Dumps.Masking;

namespace Replica.Core.Workflows;

/// <param name="InPlace">stop first, then restore (a machine without room for two databases); otherwise the new database is prepared beside the running one.</param>
/// <param name="AllowMediaDelete">allow a media sync that would delete more than media.max_delete_percent of the volume, or mirror an empty source.</param>
public sealed record StartRequest(string Target, string? ImageTag = null, string? FromBackup = null, int? MaxAgeHours = null, bool DbOnly = false,
    bool InPlace = false, bool AllowMediaDelete = false)
{
    public IReadOnlyDictionary<string, string?> Parameters => new Dictionary<string, string?>
    {
        ["image_tag"] = ImageTag,
        ["from_backup"] = FromBackup ?? "LATEST",
        ["max_age_hours"] = MaxAgeHours?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["db_only"] = DbOnly ? "true" : null,
        ["in_place"] = InPlace ? "true" : null,
        ["allow_media_delete"] = AllowMediaDelete ? "true" : null,
    };
}

/// <summary>What a start would do, decided before anything changes (and printed by `replica plan start`).</summary>
/// <param name="SideBySide">the new database is prepared beside the running one and the stack switched to it.</param>
/// <param name="Previous">what the target runs now (the database the refresh replaces), if anything.</param>
/// <param name="Backup">null when plan could not list the backups without a change it may not make (see <see cref="BackupUnlisted"/>).</param>
/// <param name="Warnings">what the plan passed over (a damaged backup, a stray file in the backup folders).</param>
/// <param name="Masking">the masking profile checked against the backup's schema; null when there is none or it was not checked by plan (see <see cref="MaskingCheckedBy"/>).</param>
public sealed record StartPlan(
    string Target,
    string Platform,
    Backup? Backup,
    DumpInfo? Dump,
    string ImageTag,
    bool ImageTagGiven,
    string MediaLocation,
    bool MediaExists,
    bool DbOnly,
    IReadOnlyList<string> Steps,
    bool SideBySide = false,
    Runs.TargetRecord? Previous = null,
    DatabaseFootprint? Footprint = null,
    IReadOnlyList<string>? Warnings = null,
    MaskingPlan? Masking = null)
{
    /// <summary>How the masking profile was checked at plan time, or what checks it instead; null without a profile.</summary>
    public string? MaskingCheckedBy { get; init; }

    /// <summary>What planning did on the platform and undid (a listing Job on a cluster); null: nothing was changed.</summary>
    public string? Changes { get; init; }

    /// <summary>Why the backups were not listed and when they will be; null when they were.</summary>
    public string? BackupUnlisted { get; init; }
}
