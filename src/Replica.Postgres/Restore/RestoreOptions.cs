namespace Replica.Postgres.Restore;

/// <summary>What to restore and where. The password travels only in memory (Npgsql) or PGPASSWORD of a child process.</summary>
public sealed record RestoreOptions(string BackupPath, string Host, int Port, string User, string Password)
{
    /// <summary>Target database of a single-database dump (created when missing); ignored for cluster dumps.</summary>
    public string? Database { get; init; }

    /// <summary>Owner of a database created for a single-database dump; default: the connecting user.</summary>
    public string? Owner { get; init; }

    /// <summary>Parallel connections for loading tables and building indexes.</summary>
    public int Jobs { get; init; } = 2;

    /// <summary>Folder with pg_restore (used to decode custom-format dumps).</summary>
    public string BinDirectory { get; init; } = "/usr/lib/postgresql/15/bin";

    /// <summary>
    /// Read the backup a second time, ahead, to start each table's indexes and keys as soon as its data is in.
    /// The second decompression competes for CPU: on 2 cores it measured slower, so it is on from 4 cores.
    /// </summary>
    public bool ReadPostDataAhead { get; init; } = Environment.ProcessorCount >= 4;

    /// <summary>
    /// Bytes of table data that may wait in memory for a loading connection (default: a quarter of the
    /// memory available, 64 MiB to 2 GiB), so the reader gets past a big table while it loads.
    /// </summary>
    public long? ReadAheadBytes { get; init; }

    /// <summary>Send tables whose columns are all integers or strings as COPY binary: the server's COPY of them is about a fifth faster.</summary>
    public bool BinaryCopy { get; init; } = true;

    /// <summary>
    /// Mask these columns inside the stream, before the rows reach the server, and verify afterwards that no source
    /// value of a masked column is in the target. Null: rows are restored as they are, at no cost.
    /// </summary>
    public Masking.MaskingProfile? Masking { get; init; }

    public override string ToString() =>
        $"RestoreOptions {{ BackupPath = {BackupPath}, Host = {Host}, Port = {Port}, User = {User}, Database = {Database}, Owner = {Owner}, Jobs = {Jobs}, Masking = {Masking?.Name ?? "none"} }}";
}
