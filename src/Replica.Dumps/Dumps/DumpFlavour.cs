namespace Replica.Dumps;

/// <summary>What a backup file holds, read from its content (never its name).</summary>
public enum DumpFlavour
{
    /// <summary>pg_dumpall plain SQL: roles and every database.</summary>
    ClusterDump,
    /// <summary>pg_dump plain SQL of one database.</summary>
    DatabaseDump,
    /// <summary>pg_dump -Fc custom format (starts with PGDMP).</summary>
    CustomDump,
}

public sealed record DumpInfo(DumpFlavour Flavour, bool Gzipped);

public static class DumpFlavourNames
{
    public static string ToWire(this DumpFlavour f) => f switch
    {
        DumpFlavour.ClusterDump => "cluster-dump",
        DumpFlavour.DatabaseDump => "database-dump",
        DumpFlavour.CustomDump => "custom-dump",
        _ => f.ToString(),
    };
}
