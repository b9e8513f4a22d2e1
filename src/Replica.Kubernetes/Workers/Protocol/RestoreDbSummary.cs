namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>
/// What `replica worker restore-db --json` prints on stdout when the restore is done and verified; with a masking
/// profile, <see cref="Masked"/> says how many values of each masked column were masked and whether the check found none of the source's left.
/// </summary>
public sealed record RestoreDbSummary(
    string Backup,
    string Flavour,
    bool Gzipped,
    bool Verified,
    IReadOnlyList<RestoreDbSummary.Database> Databases,
    int Tables,
    long Rows,
    long CompressedBytes,
    long UncompressedBytes,
    RestoreDbSummary.Phases Seconds,
    double TotalSeconds,
    IReadOnlyList<MaskedColumn>? Masked = null)
{
    public sealed record Database(string Name, bool Exists, IReadOnlyList<Table> Tables);

    public sealed record Table(string Name, long ExpectedRows, long LoadedRows, long Bytes);

    public sealed record Phases(double Schema, double Data, double IndexesAndConstraints);
}
