using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Replica.Core.Runs;

/// <summary>
/// Run history, step records, run logs, per-target locks, what each target holds and which
/// backups are damaged, in one SQLite file under the state folder. Safe for several replica
/// processes at once. Nothing is written until something must be recorded: a command that only
/// reads (a plan, a refused command) leaves no file behind.
/// </summary>
public sealed partial class RunStore
{
    private readonly string _connectionString;
    private readonly string _stateDirectory;
    private readonly Lock _createGate = new();
    private bool _created;

    public string Path { get; }

    public RunStore(string stateDirectory)
    {
        _stateDirectory = stateDirectory;
        Path = System.IO.Path.Combine(stateDirectory, "runs.sqlite");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, DefaultTimeout = 30, Pooling = false }.ToString();
    }

    /// <summary>Whether the store has been created (by this or another process).</summary>
    public bool Exists => _created || File.Exists(Path);

    private SqliteConnection Open()
    {
        EnsureCreated();
        var c = new SqliteConnection(_connectionString);
        Guard(c.Open);
        return c;
    }

    /// <summary>
    /// A connection for reading. On a full state folder SQLite cannot even make the shared-memory
    /// file a WAL database needs to be opened; what is recorded is then read from the database file
    /// as it is (as of its last checkpoint), so `status` still shows what runs.
    /// </summary>
    private SqliteConnection OpenForReading()
    {
        try { return Open(); }
        catch (StateFolderException) when (File.Exists(Path))
        {
            var c = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = $"file:{Path}?immutable=1", Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            c.Open();
            return c;
        }
    }

    private void EnsureCreated()
    {
        if (_created) return;
        lock (_createGate)
        {
            if (_created) return;
            Guard(() =>
            {
                Directory.CreateDirectory(_stateDirectory);
                using var c = new SqliteConnection(_connectionString);
                c.Open();
                StoreSchema.Migrate(c);
            });
            _created = true;
        }
    }

    private static void Execute(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs a SELECT and maps each row; an absent store has no rows.</summary>
    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string, object?)[] args)
    {
        if (!Exists) return [];
        using var c = OpenForReading();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return Guard(() =>
        {
            using var r = cmd.ExecuteReader();
            var list = new List<T>();
            while (r.Read()) list.Add(map(r));
            return list;
        });
    }

    private void Write(Action<SqliteConnection> write) => Guard(() =>
    {
        using var c = Open();
        using var tx = c.BeginTransaction(); // one writer at a time decides
        write(c);
        tx.Commit();
    });

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static DateTimeOffset? OptionalTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : ParseTime(r.GetString(i));

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    private static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private void Guard(Action action) => Guard(() => { action(); return 0; });

    /// <summary>SQLite's own words for a full disk ("database or disk is full", "disk I/O error") become a sentence naming the state folder.</summary>
    private T Guard<T>(Func<T> action)
    {
        try { return action(); }
        catch (SqliteException e) when (e.SqliteErrorCode is 13 /* SQLITE_FULL */ or 10 /* SQLITE_IOERR */)
        {
            throw new StateFolderException(DiskFull.Describe(_stateDirectory, "the state folder", e.Message));
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 14 /* SQLITE_CANTOPEN */ or 8 /* SQLITE_READONLY */ or 23 /* SQLITE_AUTH */)
        {
            throw new StateFolderException($"The run store {Path} cannot be opened for writing ({e.Message.TrimEnd('.')}); check that state_dir in replica.yaml is a writable folder.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not StateFolderException)
        {
            throw new StateFolderException($"The state folder {_stateDirectory} cannot be written ({e.Message.TrimEnd('.')}); check state_dir in replica.yaml.");
        }
    }
}

/// <summary>The state folder (run store) cannot be written: full or not writable. One sentence; exit 1.</summary>
public sealed class StateFolderException(string message) : IOException(message);
