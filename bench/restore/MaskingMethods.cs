using Replica.Postgres.Instances;
using Replica.Dumps.Masking;
using Replica.Postgres.Restore.Masking;

/// <summary>
/// The masking comparison: every text column of the biggest table holding text data, masked with keyed HMAC-SHA256
/// (hash) in replica's stream, or the usual way — restored, then rewritten by an UPDATE with pgcrypto's hmac().
/// pgbench_accounts is bigger but its only text column is a blank char(84) filler, not data anyone masks;
/// viewer_site_observation holds ~1 KiB of text a row (code, smiles, pdb_info).
/// </summary>
internal static class MaskingMethods
{
    public const string Table = "public.viewer_site_observation";
    public static readonly string[] Columns = ["code", "smiles", "pdb_info"];
    private const string Key = "bench-masking-key-not-a-secret";

    public static MaskingProfile Profile() => new(Key,
        new Dictionary<string, IReadOnlyDictionary<string, TransformerSpec>> { [Table] = Columns.ToDictionary(c => c, _ => new TransformerSpec("hash")) },
        PiiPolicy.Warn, "bench");

    /// <summary>The stress case: pgbench_accounts' blank filler, 5 million values on the table the whole restore waits for.</summary>
    public static MaskingProfile FillerProfile() => new(Key,
        new Dictionary<string, IReadOnlyDictionary<string, TransformerSpec>> { ["public.pgbench_accounts"] = new Dictionary<string, TransformerSpec> { ["filler"] = new("hash") } },
        PiiPolicy.Warn, "bench-filler");

    /// <summary>The stress case the usual way: the same hash of pgbench_accounts.filler by one UPDATE of 5 million rows.</summary>
    public static Task UpdateFillerAsync(PostgresInstance pg) => Methods.SqlAsync(pg, "frag",
        "CREATE EXTENSION IF NOT EXISTS pgcrypto; " +
        $"UPDATE public.pgbench_accounts SET filler = left(encode(hmac(filler, '{Key}', 'sha256'), 'hex'), 32)");

    /// <summary>The same masking as one UPDATE: the first 32 hex digits of HMAC-SHA256 of each value with the same key.</summary>
    public static Task UpdateAsync(PostgresInstance pg) => Methods.SqlAsync(pg, "frag",
        "CREATE EXTENSION IF NOT EXISTS pgcrypto; " +
        $"UPDATE {Table} SET {string.Join(", ", Columns.Select(c => $"{c} = left(encode(hmac({c}, '{Key}', 'sha256'), 'hex'), 32)"))}");
}
