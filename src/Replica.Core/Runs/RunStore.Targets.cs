namespace Replica.Core.Runs;

public sealed partial class RunStore
{
    public void SaveTarget(TargetRecord t) => Write(c => Execute(c, """
        INSERT INTO targets (target, state, image_tag, backup_name, backup_time, last_run, updated, database, restored_by)
        VALUES ($t, $s, $i, $bn, $bt, $lr, $u, $db, $rb)
        ON CONFLICT(target) DO UPDATE SET state = $s, image_tag = $i, backup_name = $bn, backup_time = $bt, last_run = $lr, updated = $u,
            database = $db, restored_by = $rb
        """,
        ("$t", t.Target), ("$s", t.State), ("$i", t.ImageTag), ("$bn", t.BackupName),
        ("$bt", t.BackupTime is { } bt ? Time(bt) : null), ("$lr", t.LastRun), ("$u", Time(t.Updated)),
        ("$db", t.Database), ("$rb", t.RestoredBy)));

    public TargetRecord? FindTarget(string target) =>
        Query("SELECT state, image_tag, backup_name, backup_time, last_run, updated, database, restored_by FROM targets WHERE target = $t",
            r => new TargetRecord(target, r.GetString(0), Text(r, 1), Text(r, 2), OptionalTime(r, 3), Text(r, 4), ParseTime(r.GetString(5)), Text(r, 6), Text(r, 7)),
            ("$t", target)).FirstOrDefault();

    public void ForgetTarget(string target) => Write(c => Execute(c, "DELETE FROM targets WHERE target = $t", ("$t", target)));

    /// <summary>Remembers that a backup file is damaged (its restore failed because of its content), as it is now.</summary>
    public void MarkDamaged(DamagedBackup d) => Write(c => Execute(c, """
        INSERT INTO damaged_backups (name, size, modified, run_id, message, found) VALUES ($n, $s, $m, $r, $msg, $f)
        ON CONFLICT(name, size, modified) DO UPDATE SET run_id = $r, message = $msg, found = $f
        """, ("$n", d.Name), ("$s", d.SizeBytes), ("$m", Time(d.Modified)), ("$r", d.RunId), ("$msg", d.Message), ("$f", Time(d.Found))));

    /// <summary>Damaged backups as recorded; a file that changed since (size or modification time) is no longer matched.</summary>
    public IReadOnlyList<DamagedBackup> DamagedBackups() =>
        Query("SELECT name, size, modified, run_id, message, found FROM damaged_backups ORDER BY found DESC",
            r => new DamagedBackup(r.GetString(0), r.GetInt64(1), ParseTime(r.GetString(2)), r.GetString(3), r.GetString(4), ParseTime(r.GetString(5))));
}
