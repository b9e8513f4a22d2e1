using System.Text;
using Npgsql;
using Replica.Postgres.Restore.Loading;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// After the load: reads every verifiable masked column back from the target (its COPY text, as pg_dump wrote
/// the source's) and fails the restore when any value's keyed fingerprint is one of the source's — a production
/// value reached the server. Values the transformer itself writes (a listed name, the constant) are not evidence.
/// </summary>
internal static class MaskingVerification
{
    /// <returns>the columns compared.</returns>
    public static async Task<ISet<ColumnMask>> VerifyAsync(RestoreMasking masking, TargetServer server, CancellationToken ct)
    {
        var masks = masking.Masks.Where(m => m.Fingerprints is not null).ToList();
        await Task.WhenAll(masks.Select(m => Task.Run(async () =>
        {
            await server.Work.WaitAsync(ct).ConfigureAwait(false);
            try { await VerifyColumnAsync(masking.Profile, m, server, ct).ConfigureAwait(false); }
            finally { server.Work.Release(); }
        }, ct))).ConfigureAwait(false);
        return masks.ToHashSet();
    }

    private static async Task VerifyColumnAsync(MaskingProfile profile, ColumnMask mask, TargetServer server, CancellationToken ct)
    {
        if (mask.Fingerprints!.Count == 0) return;
        await using var conn = await server.OpenAsync(mask.Database, ct).ConfigureAwait(false);
        var column = new NpgsqlCommandBuilder().QuoteIdentifier(mask.Column.Name);
        long leaked = 0;
        byte[] scratch = new byte[256];
        using (var reader = await conn.BeginTextExportAsync($"COPY (SELECT {column} FROM ONLY {mask.Table}) TO STDOUT", ct).ConfigureAwait(false))
        {
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (line == "\\N") continue;
                var bytes = Encoding.UTF8.GetBytes(line);
                CopyText.Unescape(bytes, 0, ref scratch, out var value, out _);
                if (mask.Transformer.MayProduce(value)) continue;
                if (mask.Fingerprints.Contains(mask.FingerprintOf(value))) leaked++;
            }
        }
        if (leaked > 0)
            throw new RestoreException($"Masking verification failed: column {mask.Table}.{mask.Column.Name} in database {mask.Database} holds {leaked} value(s) of the source after the restore, so production data reached the target; discard this database and check the profile {profile.Name}'s transformer for that column.");
    }
}
