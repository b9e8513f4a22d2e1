using Microsoft.Data.Sqlite;

namespace Replica.Core.Runs;

/// <summary>
/// The run store's schema, versioned with SQLite's user_version: each migration runs once, in
/// order, inside one transaction, so an older store is brought up to date by whichever replica
/// opens it first.
/// </summary>
internal static class StoreSchema
{
    private static readonly string[] Migrations =
    [
        // 1: the first schema.
        """
        CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, target TEXT NOT NULL, workflow TEXT NOT NULL, parameters TEXT NOT NULL,
            status TEXT NOT NULL, started TEXT NOT NULL, ended TEXT, message TEXT, pid INTEGER);
        CREATE INDEX IF NOT EXISTS runs_target ON runs(target, started);
        CREATE TABLE IF NOT EXISTS steps (run_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, started TEXT NOT NULL,
            ended TEXT, outcome TEXT NOT NULL, message TEXT, PRIMARY KEY (run_id, seq));
        CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, at TEXT NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS log_run ON log(run_id, id);
        CREATE TABLE IF NOT EXISTS locks (target TEXT PRIMARY KEY, run_id TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, acquired TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS targets (target TEXT PRIMARY KEY, state TEXT NOT NULL, image_tag TEXT, backup_name TEXT, backup_time TEXT,
            last_run TEXT, updated TEXT NOT NULL);
        """,
        // 2: side-by-side refresh and crash safety: the instance a target serves from and the run that restored it,
        // the lock holder's start time (a recycled pid is not the holder), who launched a run, damaged backups.
        """
        ALTER TABLE targets ADD COLUMN database TEXT;
        ALTER TABLE targets ADD COLUMN restored_by TEXT;
        ALTER TABLE locks ADD COLUMN pid_start INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN pid_start INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN launched_by TEXT;
        CREATE TABLE damaged_backups (name TEXT NOT NULL, size INTEGER NOT NULL, modified TEXT NOT NULL, run_id TEXT NOT NULL,
            message TEXT NOT NULL, found TEXT NOT NULL, PRIMARY KEY (name, size, modified));
        """,
        // 3: the server: every event of a run (log line, step change, progress, end) in one sequence a client
        // resumes after; each run's latest progress; API tokens (only their hashes).
        """
        CREATE TABLE run_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
        CREATE INDEX run_events_run ON run_events(run_id, seq);
        CREATE TABLE run_progress (run_id TEXT PRIMARY KEY, at TEXT NOT NULL, step TEXT NOT NULL, phase TEXT, item TEXT,
            bytes_done INTEGER NOT NULL, bytes_total INTEGER, files_done INTEGER NOT NULL, files_total INTEGER, bytes_per_second REAL NOT NULL);
        CREATE TABLE tokens (name TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, targets TEXT NOT NULL, created TEXT NOT NULL, last_used TEXT);
        """,
        // 4: schedules, notifications and expiry: every fire of a schedule (launched, skipped naming the holding run,
        // refused, missed); every notification delivery and each of its attempts (never its URL); extensions of a
        // target's expiry clock.
        """
        CREATE TABLE schedule_fires (seq INTEGER PRIMARY KEY AUTOINCREMENT, schedule TEXT NOT NULL, fire_time TEXT NOT NULL, at TEXT NOT NULL,
            outcome TEXT NOT NULL, run_id TEXT, message TEXT);
        CREATE INDEX schedule_fires_schedule ON schedule_fires(schedule, fire_time);
        CREATE TABLE deliveries (id TEXT PRIMARY KEY, run_id TEXT, target TEXT NOT NULL, notification TEXT NOT NULL, event TEXT NOT NULL,
            subject TEXT, created TEXT NOT NULL, outcome TEXT NOT NULL, ended TEXT);
        CREATE INDEX deliveries_run ON deliveries(run_id, created);
        CREATE INDEX deliveries_subject ON deliveries(target, event, subject);
        CREATE TABLE delivery_attempts (delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL, outcome TEXT NOT NULL,
            status_code INTEGER, message TEXT, PRIMARY KEY (delivery_id, attempt));
        CREATE TABLE target_extensions (target TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL);
        CREATE INDEX target_extensions_target ON target_extensions(target, at);
        """,
    ];

    public static int Version => Migrations.Length;

    public static void Migrate(SqliteConnection c)
    {
        // Up to date: nothing to write (a full state folder must not stop a command that only reads).
        if (UserVersion(c) == Migrations.Length) return;
        using (var wal = c.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        using var tx = c.BeginTransaction();
        var current = UserVersion(c);
        if (current == 0 && TableExists(c, "runs")) current = 1; // a store made before versions were recorded
        if (current > Migrations.Length)
            throw new StateFolderException($"The run store {c.DataSource} was written by a newer replica (schema {current}, this one knows {Migrations.Length}); upgrade replica.");
        for (var v = current; v < Migrations.Length; v++)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = Migrations[v];
            cmd.ExecuteNonQuery();
        }
        using (var set = c.CreateCommand())
        {
            set.CommandText = $"PRAGMA user_version = {Migrations.Length};";
            set.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static int UserVersion(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool TableExists(SqliteConnection c, string name)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $n";
        cmd.Parameters.AddWithValue("$n", name);
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
