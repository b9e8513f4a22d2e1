using Replica.Core.Backups;
using Replica.Postgres.Dumps;

namespace Replica.Core.Workflows;

public sealed record StartRequest(string Target, string? ImageTag = null, string? FromBackup = null, int? MaxAgeHours = null, bool DbOnly = false)
{
    public IReadOnlyDictionary<string, string?> Parameters => new Dictionary<string, string?>
    {
        ["image_tag"] = ImageTag,
        ["from_backup"] = FromBackup ?? "LATEST",
        ["max_age_hours"] = MaxAgeHours?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["db_only"] = DbOnly ? "true" : null,
    };
}

/// <summary>What a start would do, decided before anything changes (and printed by `replica plan start`).</summary>
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
    IReadOnlyList<string> Steps);
