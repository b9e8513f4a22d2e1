using Replica.Core.Platforms;
using Replica.Dumps;
using Replica.Postgres.Restore;

namespace Replica.Local;

internal static class RestoreReports
{
    public static RestoreSummary ToSummary(RestoreReport r) => new(
        r.Flavour.ToWire(),
        r.Databases.Select(d => d.Name).ToList(),
        r.TableCount,
        r.LoadedRows,
        r.UncompressedBytes,
        r.Seconds.Schema,
        r.Seconds.Data,
        r.Seconds.IndexesAndConstraints,
        r.TotalSeconds);
}
