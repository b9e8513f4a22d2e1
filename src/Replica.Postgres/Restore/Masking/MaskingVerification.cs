using Npgsql;

namespace Replica.Postgres.Restore.Masking;

/// <summary>
/// After each table's load: reads the verifiable masked columns back from the target (one scan a table, each value in its
/// output function's text, the form pg_dump wrote the source's values in) and fails the restore when any value's keyed fingerprint is one
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
        var check = new ColumnCheck[masks.Count];
        for (int i = 0; i < masks.Count; i++) check[i] = new ColumnCheck(masks[i]);
        // Each value as COPY text wrote it in the dump: a string column's binary form is its text already (char(n) with
        // its padding), so it is sent as it is stored; any other type goes through format('%s', x), its output function.
        // Sent as COPY binary, each value arrives as its bytes with a length: nothing to unescape or decode here.
        var columns = string.Join(", ", masks.Select(m => (m.Column.Kind, Name: q.QuoteIdentifier(m.Column.Name)))
            .Select(c => c.Kind == Replica.Postgres.Dumps.ColumnKind.Text ? c.Name : $"CASE WHEN {c.Name} IS NULL THEN NULL ELSE format('%s', {c.Name}) END"));
        await using (var raw = await conn.BeginRawBinaryCopyAsync($"COPY (SELECT {columns} FROM ONLY {table}) TO STDOUT (FORMAT binary)", ct).ConfigureAwait(false))
        {
            var input = new CopyBinaryInput(raw);
            await input.SkipHeaderAsync(ct).ConfigureAwait(false);
            while (await input.NextRowAsync(ct).ConfigureAwait(false))
                for (int i = 0; i < check.Length; i++)
                {
                    int length = await input.NextFieldAsync(ct).ConfigureAwait(false);
                    if (length >= 0) check[i].Value(input.Field(length));
                }
        }
        foreach (var c in check)
            if (c.Leaked > 0)
                throw new RestoreException($"Masking verification failed: column {table}.{c.Mask.Column.Name} in database {database} holds {c.Leaked} value(s) of the source after the restore, so production data reached the target; discard this database and check the profile {profile.Name}'s transformer for that column.");
    }

    /// <summary>One column's check; a value equal to the one before it (a blank filler) gets the same verdict without hashing.</summary>
    private sealed class ColumnCheck(ColumnMask mask)
    {
        private byte[]? _last;
        private bool _lastLeaked;
        public ColumnMask Mask => mask;
        public long Leaked { get; private set; }

        public void Value(ReadOnlySpan<byte> value)
        {
            if (_last is null || !value.SequenceEqual(_last))
            {
                _lastLeaked = !mask.Transformer.MayProduce(value) && mask.Fingerprints!.Contains(mask.FingerprintOf(value));
                _last = value.ToArray();
            }
            if (_lastLeaked) Leaked++;
        }
    }

    /// <summary>Reads a COPY binary stream: the header, then rows of length-prefixed fields (-1: NULL), ending with -1.</summary>
    private sealed class CopyBinaryInput(Stream raw)
    {
        private byte[] _buf = new byte[1 << 20];
        private int _start, _end;

        public async Task SkipHeaderAsync(CancellationToken ct)
        {
            await FillAsync(19, ct).ConfigureAwait(false);
            int extension = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(_buf.AsSpan(_start + 15));
            _start += 19;
            await FillAsync(extension, ct).ConfigureAwait(false);
            _start += extension;
        }

        public async ValueTask<bool> NextRowAsync(CancellationToken ct)
        {
            if (!await FillAsync(2, ct).ConfigureAwait(false)) return false;
            short fields = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(_buf.AsSpan(_start));
            _start += 2;
            return fields != -1;
        }

        /// <summary>The next field's length (-1 for NULL), its bytes buffered for <see cref="Field"/>.</summary>
        public async ValueTask<int> NextFieldAsync(CancellationToken ct)
        {
            if (!await FillAsync(4, ct).ConfigureAwait(false)) throw new EndOfStreamException("the verification's COPY ended inside a row");
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(_buf.AsSpan(_start));
            _start += 4;
            if (length > 0 && !await FillAsync(length, ct).ConfigureAwait(false)) throw new EndOfStreamException("the verification's COPY ended inside a value");
            return length;
        }

        public ReadOnlySpan<byte> Field(int length)
        {
            var field = _buf.AsSpan(_start, length);
            _start += length;
            return field;
        }

        private async ValueTask<bool> FillAsync(int need, CancellationToken ct)
        {
            if (_end - _start >= need) return true;
            if (_start > 0)
            {
                Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (need > _buf.Length) Array.Resize(ref _buf, Math.Max(need, _buf.Length * 2));
            while (_end - _start < need)
            {
                int n = await raw.ReadAsync(_buf.AsMemory(_end), ct).ConfigureAwait(false);
                if (n == 0) return false;
                _end += n;
            }
            return true;
        }
    }
}
