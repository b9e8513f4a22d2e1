using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore;

/// <summary>What a restore did, verified: every table's rows as carried by the dump and as loaded by the server.</summary>
public sealed record RestoreReport(
    string BackupPath,
    DumpFlavour Flavour,
    bool Gzipped,
    IReadOnlyList<DatabaseReport> Databases,
    long CompressedBytes,
    long UncompressedBytes,
    PhaseSeconds Seconds,
    double TotalSeconds)
{
    public int TableCount => Databases.Sum(d => d.Tables.Count);
    public long ExpectedRows => Databases.Sum(d => d.Tables.Sum(t => t.ExpectedRows));
    public long LoadedRows => Databases.Sum(d => d.Tables.Sum(t => t.LoadedRows));
    public bool Verified => Databases.All(d => d.Exists && d.Tables.All(t => t.ExpectedRows == t.LoadedRows));

    /// <summary>Every masked column of every database, with how many values were masked; empty without a masking profile.</summary>
    public IReadOnlyList<Masking.MaskedColumnReport> Masked { get; init; } = [];
}

public sealed record DatabaseReport(string Name, bool Exists, IReadOnlyList<TableReport> Tables);

public sealed record TableReport(string Table, long ExpectedRows, long LoadedRows, long Bytes);

/// <summary>Wall-clock seconds per phase, summed over databases.</summary>
public sealed record PhaseSeconds(double Schema, double Data, double IndexesAndConstraints);
