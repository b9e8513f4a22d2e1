using Replica.Postgres.Restore;
using Replica.Postgres.Restore.Input;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Dumps;

/// <summary>
/// Lists a backup's tables and columns without restoring it, for plan time: the CREATE TABLE statements of a
/// plain dump (cluster or database; read through, COPY data skipped), or of the schema pg_restore decodes
/// from a custom-format dump (<c>pg_restore --schema-only -f -</c>, which skips the data blocks).
/// </summary>
public static class DumpSchemaReader
{
    /// <param name="backupPath">a cluster, database or custom-format dump, gzipped or not.</param>
    /// <param name="singleDatabase">the name a single-database dump's tables get (the target's database); cluster dumps name their own.</param>
    /// <param name="binDirectory">folder with pg_restore.</param>
    /// <exception cref="RestoreException">the file is missing, not a dump, or cannot be read; one sentence naming it.</exception>
    public static Task<DumpSchema> ReadAsync(string backupPath, string singleDatabase, string binDirectory = "/usr/lib/postgresql/15/bin", CancellationToken ct = default)
    {
        if (!File.Exists(backupPath))
            throw new RestoreException($"The backup file {backupPath} does not exist; choose an existing backup.");
        // The reader is synchronous (as the restore's): it gets a thread of its own.
        return Task.Factory.StartNew(() => Read(backupPath, singleDatabase, binDirectory, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static DumpSchema Read(string path, string singleDatabase, string bin, CancellationToken ct)
    {
        using var source = DumpSource.Open(path, bin, schemaOnly: true);
        var database = source.Info.Flavour == DumpFlavour.ClusterDump ? "postgres" : singleDatabase;
        var tables = new List<DumpTable>();
        var unique = new List<(string Database, string Table, string Column)>();
        var reader = new PlainDumpReader(source.Sql);
        try
        {
            foreach (var item in reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                switch (item)
                {
                    case CopyChunk chunk: System.Buffers.ArrayPool<byte>.Shared.Return(chunk.Buffer); break;
                    case MetaCommand { Name: "connect" or "c" } meta when source.Info.Flavour == DumpFlavour.ClusterDump:
                        database = PlainRestore.ConnectTarget(meta.Argument);
                        break;
                    case SqlStatement s when s.Text.StartsWith("CREATE ", StringComparison.Ordinal) && s.Toc?.Type == "TABLE":
                        if (CreateTableStatement.Parse(database, s.Text) is { } table) tables.Add(table);
                        break;
                    case SqlStatement s when s.Toc?.Type is "CONSTRAINT" or "INDEX":
                        if (UniqueKeyStatement.Parse(s.Text) is { } key) unique.Add((database, key.Table, key.Column));
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or DumpSyntaxException or IOException)
        {
            throw source.DecoderFailureAsync().GetAwaiter().GetResult()
                ?? new RestoreException($"The backup {path} cannot be read for its schema ({e.Message.TrimEnd('.')}); it is truncated or corrupt, choose another backup.", e);
        }
        source.CheckDecoderAsync(ct).GetAwaiter().GetResult();

        var keyed = unique.Select(u => (u.Database, Name: CreateTableStatement.SplitName(u.Table), u.Column)).ToHashSet();
        return new DumpSchema(tables.Select(t => t with
        {
            Columns = t.Columns.Select(c => keyed.Contains((t.Database, (t.Schema, t.Name), c.Name)) ? c with { Unique = true } : c).ToList(),
        }).ToList());
    }
}
