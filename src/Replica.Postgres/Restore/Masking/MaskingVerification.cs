using System.Text;
using Npgsql;
using Replica.Postgres.Restore.Loading;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// After each table's load: reads the verifiable masked columns back from the target (one scan a table, as COPY text,
/// the form pg_dump wrote the source's values in) and fails the restore when any value's keyed fingerprint is one
/// of the source's — a production value reached the server. Values the transformer itself writes (a listed name,
/// the constant) are not evidence.
/// </summary>
internal static class MaskingVerification
{
    /// <summary>
    /// Verifies a table's masked columns once its rows are committed (while other tables still load or index, off the
    /// restore's critical path), within the server's --jobs slots. A table whose load failed is not verified.
    /// </summary>
    public static Task WhenLoadedAsync(MaskingProfile profile, TableMasking table, Task loaded, TargetServer server, CancellationToken ct)
    {
        var masks = table.Masks.Where(m => m.Fingerprints is not null).ToList();
        if (masks.Count == 0) return Task.CompletedTask;
        return loaded.ContinueWith(async t =>
        {
            if (!t.IsCompletedSuccessfully) return;
            await server.Work.WaitAsync(ct).ConfigureAwait(false);
            try { await VerifyTableAsync(profile, masks, server, ct).ConfigureAwait(false); }
            finally { server.Work.Release(); }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }

    internal static async Task VerifyTableAsync(MaskingProfile profile, List<ColumnMask> masks, TargetServer server, CancellationToken ct)
    {
        var (database, table) = (masks[0].Database, masks[0].Table);
        await using var conn = await server.OpenAsync(database, ct).ConfigureAwait(false);
        var q = new NpgsqlCommandBuilder();
        var leaked = new long[masks.Count];
        // Per column, the value before and whether it leaked: repeated values (a blank filler) are hashed once.
        var last = new byte[masks.Count][];
        var lastLeaked = new bool[masks.Count];
        byte[] scratch = new byte[256];
        using (var reader = await conn.BeginTextExportAsync($"COPY (SELECT {string.Join(", ", masks.Select(m => q.QuoteIdentifier(m.Column.Name)))} FROM ONLY {table}) TO STDOUT", ct).ConfigureAwait(false))
        {
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                var rest = Encoding.UTF8.GetBytes(line).AsSpan();
                for (int i = 0; i < masks.Count; i++)
                {
                    int end = CopyText.Unescape(rest, 0, ref scratch, out var value, out bool isNull);
                    if (!isNull)
                    {
                        if (last[i] is null || !value.SequenceEqual(last[i]))
                        {
                            lastLeaked[i] = !masks[i].Transformer.MayProduce(value) && masks[i].Fingerprints!.Contains(masks[i].FingerprintOf(value));
                            last[i] = value.ToArray();
                        }
                        if (lastLeaked[i]) leaked[i]++;
                    }
                    rest = end < rest.Length ? rest[(end + 1)..] : default;
                }
            }
        }
        for (int i = 0; i < masks.Count; i++)
            if (leaked[i] > 0)
                throw new RestoreException($"Masking verification failed: column {table}.{masks[i].Column.Name} in database {database} holds {leaked[i]} value(s) of the source after the restore, so production data reached the target; discard this database and check the profile {profile.Name}'s transformer for that column.");
    }
}
