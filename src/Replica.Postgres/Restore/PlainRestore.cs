using System.Threading.Channels;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore.Input;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore;

/// <summary>
/// Replays a plain SQL stream the way psql would, but with table data loaded over parallel
/// connections and post-data built in parallel. Reading runs on its own thread, ahead of loading.
/// </summary>
internal sealed class PlainRestore(RestoreContext context, DumpSource source, string firstDatabase)
{
    public List<DatabaseRestore> Finished { get; } = [];
    public List<string> DatabasesInDump { get; } = [];
    public long SqlBytes { get; private set; }

    public async Task RunAsync()
    {
        var ct = context.Cancellation;
        var reader = new PlainDumpReader(source.Sql);
        var items = Channel.CreateBounded<DumpItem>(new BoundedChannelOptions(32) { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readerThread = new Thread(() =>
        {
            try
            {
                foreach (var item in reader.Read())
                    if (!items.Writer.WaitToWriteAsync(stopReading.Token).AsTask().GetAwaiter().GetResult() || !items.Writer.TryWrite(item)) break;
                items.Writer.TryComplete();
            }
            catch (Exception e) { items.Writer.TryComplete(e); }
        }) { IsBackground = true, Name = "replica-dump-reader" };
        readerThread.Start();

        DatabaseRestore? db = null;
        string? restrictKey = null;
        try
        {
            db = await DatabaseRestore.OpenAsync(context, firstDatabase).ConfigureAwait(false);
            DumpEnd? end = null;
            await foreach (var item in ReadAllAsync(items.Reader, ct).ConfigureAwait(false))
            {
                switch (item)
                {
                    case CopyChunk chunk: await db.CopyChunkAsync(chunk).ConfigureAwait(false); break;
                    case SqlStatement s:
                        if (s.Toc?.Type == "DATABASE" && s.Text.StartsWith("CREATE DATABASE ", StringComparison.Ordinal))
                            DatabasesInDump.Add(Unquote(QualifiedName.Read(s.Text, 16)));
                        await db.StatementAsync(s).ConfigureAwait(false);
                        break;
                    case CopyStart copy: db.BeginCopy(copy); break;
                    case CopyEnd copyEnd: db.EndCopy(copyEnd); break;
                    case MetaCommand meta:
                        // Like psql: while a dump is \restrict-ed, only its own \unrestrict is accepted.
                        if (meta.Name == "restrict") { restrictKey = meta.Argument; break; }
                        if (meta.Name == "unrestrict")
                        {
                            if (restrictKey is not null && meta.Argument != restrictKey)
                                throw context.Failure(meta.Line, "\\unrestrict", db.Name, new InvalidDataException("the \\unrestrict key does not match the \\restrict key"));
                            restrictKey = null;
                            break;
                        }
                        if (restrictKey is not null)
                            throw context.Failure(meta.Line, $"\\{meta.Name}", db.Name, new InvalidDataException($"the meta-command \\{meta.Name} appears inside a \\restrict section, which psql refuses too"));
                        if (meta.Name is "connect" or "c")
                        {
                            var name = ConnectTarget(meta.Argument);
                            await FinishAsync(db).ConfigureAwait(false);
                            db = null;
                            if (!DatabasesInDump.Contains(name)) DatabasesInDump.Add(name);
                            db = await DatabaseRestore.OpenAsync(context, name).ConfigureAwait(false);
                            break;
                        }
                        throw context.Failure(meta.Line, $"\\{meta.Name}", db.Name, new NotSupportedException($"the psql meta-command \\{meta.Name} is not supported"));
                    case DumpEnd e: end = e; break;
                }
            }
            // A custom dump's decoder that failed explains a missing trailer better than "truncated" does.
            await source.CheckDecoderAsync(ct).ConfigureAwait(false);
            if (end is not { Complete: true })
                throw new RestoreException($"The backup {source.Path} ends at line {end?.Line} without pg_dump's \"dump complete\" trailer; it is truncated, choose another backup.") { Line = end?.Line };
            await FinishAsync(db).ConfigureAwait(false);
            db = null;
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            context.Abort();
            throw await source.DecoderFailureAsync().ConfigureAwait(false) ?? Translate(e.InnerException, reader);
        }
        catch (Exception e) when (e is InvalidDataException or DumpSyntaxException or EndOfStreamException or IOException)
        {
            context.Abort();
            // A custom dump's decoder that failed is the real cause of a cut-off script.
            throw await source.DecoderFailureAsync().ConfigureAwait(false) ?? Translate(e, reader);
        }
        catch
        {
            // Loaders waiting for data that will never come, and statements still running, stop now.
            context.Abort();
            throw;
        }
        finally
        {
            SqlBytes = reader.BytesRead;
            stopReading.Cancel();
            if (db is not null) await db.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task FinishAsync(DatabaseRestore db)
    {
        try
        {
            await db.FinishAsync().ConfigureAwait(false);
            Finished.Add(db);
        }
        catch
        {
            context.Abort();
            throw;
        }
        finally { await db.DisposeAsync().ConfigureAwait(false); }
    }

    private static async IAsyncEnumerable<DumpItem> ReadAllAsync(ChannelReader<DumpItem> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            while (reader.TryRead(out var item)) yield return item;
    }

    private Exception Translate(Exception e, PlainDumpReader reader)
    {
        if (e is RestoreException) return e;
        return e switch
        {
            InvalidDataException => new RestoreException($"The backup file {source.Path} is not a valid {(source.Info.Gzipped ? "gzip" : "dump")} stream after {reader.BytesRead} decompressed bytes ({e.Message.TrimEnd('.')}); it is truncated or corrupt, choose another backup.", e),
            DumpSyntaxException d => new RestoreException($"The backup {source.Path} is cut off or malformed at line {d.Line}: {d.Message}; it is truncated or corrupt, choose another backup.", e) { Line = d.Line },
            _ => new RestoreException($"Reading the backup {source.Path} failed after {reader.BytesRead} decompressed bytes ({e.Message.TrimEnd('.')}).", e),
        };
    }

    /// <summary>"\connect frag" or pg_dump's "\connect -reuse-previous=on "dbname='we''ird'"".</summary>
    internal static string ConnectTarget(string argument)
    {
        var a = argument.Trim();
        if (a.StartsWith("-reuse-previous=on ", StringComparison.Ordinal))
        {
            a = a[19..].Trim();
            if (a.StartsWith('"') && a.EndsWith('"')) a = a[1..^1].Replace("\"\"", "\"");
            const string key = "dbname=";
            if (a.StartsWith(key, StringComparison.Ordinal))
            {
                var v = a[key.Length..];
                if (v.StartsWith('\'') && v.EndsWith('\'')) v = v[1..^1].Replace("\\'", "'").Replace("''", "'").Replace("\\\\", "\\");
                return v;
            }
            return a;
        }
        return Unquote(a.Split(' ')[0]);
    }

    private static string Unquote(string name) => name.StartsWith('"') && name.EndsWith('"') ? name[1..^1].Replace("\"\"", "\"") : name;
}
