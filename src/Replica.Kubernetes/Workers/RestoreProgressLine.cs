using System.Globalization;
using System.Text.RegularExpressions;
using Replica.Core.Progress;

namespace Replica.Kubernetes.Workers;

/// <summary>
/// `restore-db:  40.0% data public.users`, the restore worker's progress line, as a progress
/// update: the percentage is of the backup file read, so it becomes bytes of the backup's size.
/// </summary>
public static partial class RestoreProgressLine
{
    [GeneratedRegex(@"^restore-db:\s+(?<pct>\d+(\.\d+)?)% (?<phase>\S+)(?: (?<item>.+))?$")]
    private static partial Regex Pattern();

    public static ProgressUpdate? Parse(string line, string step, long backupBytes)
    {
        var m = Pattern().Match(line);
        if (!m.Success) return null;
        var pct = double.Parse(m.Groups["pct"].Value, CultureInfo.InvariantCulture);
        return new ProgressUpdate(step, m.Groups["phase"].Value, m.Groups["item"].Success ? m.Groups["item"].Value : null,
            BytesDone: (long)(backupBytes * Math.Clamp(pct, 0, 100) / 100), BytesTotal: backupBytes);
    }
}
