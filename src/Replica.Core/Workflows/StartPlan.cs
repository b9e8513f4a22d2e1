using Replica.Core.Backups;
using Replica.Core.Platforms;
using Replica.Postgres.Dumps;

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
/// <param name="Warnings">what the plan passed over (a damaged backup, a stray file in the backup folders).</param>
public sealed record StartPlan(
    string Target,
    string Platform,
    Backup Backup,
    DumpInfo Dump,
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
    Replica.Postgres.Restore.Masking.MaskingPlan? Masking = null);
