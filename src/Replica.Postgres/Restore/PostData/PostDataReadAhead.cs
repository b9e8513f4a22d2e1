using Replica.Postgres.Restore.Input;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.PostData;

/// <summary>
/// Reads the backup a second time, on its own thread and ahead of the restore, skipping table
/// data, to learn each database's indexes and keys early: a table's primary key can then be built
/// as soon as that table is loaded instead of after the last table (pg_restore -j knows this from
/// its table of contents; a plain dump only says it at the end).
/// It is an optimisation only: any error here is ignored and the main reader's copy of the
/// statement is used instead.
/// </summary>
internal sealed class PostDataReadAhead : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<DeferredStatement>> _found = [];
    private readonly Dictionary<string, PostDataScheduler> _attached = [];
    private readonly DumpSource _source;
    private readonly Thread _thread;
    private volatile bool _stop;

    private PostDataReadAhead(DumpSource source, string firstDatabase, bool postDataOnly)
    {
        _source = source;
        _thread = new Thread(() => Run(firstDatabase, postDataOnly)) { IsBackground = true, Name = "replica-post-data-read-ahead", Priority = ThreadPriority.BelowNormal };
    }

    /// <summary>Starts reading ahead, or returns null where a second read is not cheap (a gzipped custom dump).</summary>
    public static PostDataReadAhead? Start(string path, string binDirectory, DumpInfo info, string firstDatabase)
    {
        if (info.Flavour == DumpFlavour.CustomDump && info.Gzipped) return null;
        bool custom = info.Flavour == DumpFlavour.CustomDump;
        var source = DumpSource.Open(path, binDirectory, postDataOnly: custom);
        var r = new PostDataReadAhead(source, firstDatabase, custom);
        r._thread.Start();
        return r;
    }

    /// <summary>Hands the database's indexes and keys found so far, and later ones, to its scheduler.</summary>
    public void Attach(string database, PostDataScheduler scheduler)
    {
        List<DeferredStatement> found;
        lock (_gate)
        {
            _attached[database] = scheduler;
            found = _found.TryGetValue(database, out var f) ? [.. f] : [];
        }
        foreach (var s in found) scheduler.Add(s);
    }

    private void Publish(string database, DeferredStatement s)
    {
        PostDataScheduler? scheduler;
        lock (_gate)
        {
            if (!_found.TryGetValue(database, out var list)) _found[database] = list = [];
            list.Add(s);
            _attached.TryGetValue(database, out scheduler);
        }
        scheduler?.Add(s);
    }

    private void Run(string database, bool postDataOnly)
    {
        try
        {
            var settings = SessionSettings.Empty;
            bool dataStarted = postDataOnly;
            foreach (var item in new PlainDumpReader(_source.Sql).Read())
            {
                if (_stop) return;
                switch (item)
                {
                    case CopyChunk chunk: System.Buffers.ArrayPool<byte>.Shared.Return(chunk.Buffer); break;
                    case CopyStart: dataStarted = true; break;
                    case MetaCommand { Name: "connect" or "c" } meta:
                        database = PlainRestore.ConnectTarget(meta.Argument);
                        settings = SessionSettings.Empty;
                        dataStarted = postDataOnly;
                        break;
                    case SqlStatement s:
                        if (SessionSettings.SettingOf(s.Text) is { } name) { settings = settings.With(name, s.Text); break; }
                        if (s.Toc?.Type is "TABLE DATA" or "SEQUENCE SET") dataStarted = true;
                        if (!dataStarted) break;
                        var deferred = new DeferredStatement(s, settings);
                        if (deferred.Kind == PostDataKind.Index) Publish(database, deferred);
                        break;
                }
            }
        }
        catch (Exception)
        {
            // Ignored on purpose: the main reader reports a broken backup, with the position.
        }
    }

    public void Dispose()
    {
        _stop = true;
        _source.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
