namespace Replica.Postgres.Restore;

/// <summary>A progress event: the phase (schema, data, indexes_and_constraints, verify), the table being loaded, and compressed bytes consumed.</summary>
public sealed record RestoreProgress(string Phase, string? Table, long CompressedBytesRead, long CompressedBytesTotal);

public static class RestorePhase
{
    public const string Schema = "schema";
    public const string Data = "data";
    public const string IndexesAndConstraints = "indexes_and_constraints";
    public const string Verify = "verify";
}
