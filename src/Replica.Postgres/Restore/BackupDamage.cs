using Npgsql;

namespace Replica.Postgres.Restore;

/// <summary>
/// Whether a failed restore is the backup file's fault (cut off, corrupt, a statement that cannot
/// run) rather than the machine's (a full disk, a server that went away, a cancellation): only the
/// former makes the file "damaged", so that an unattended refresh passes over it next time.
/// </summary>
public static class BackupDamage
{
    public static bool IsDamage(RestoreException e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case OperationCanceledException:
                    return false;
                case PostgresException pg:
                    // Classes 08 (connection), 53 (resources: disk full, out of memory), 57 (shutdown), 58 (system I/O), XX (internal).
                    return pg.SqlState[..2] is not ("08" or "53" or "57" or "58" or "XX");
                case NpgsqlException:
                case IOException when x is not InvalidDataException:
                    return false;
                case InvalidDataException:
                    return true;
            }
        }
        // Without an inner cause: the engine's own findings about the file (no trailer, a malformed line, unreadable custom dump).
        return e.Line is not null || e.Message.Contains("truncated or corrupt", StringComparison.Ordinal)
            || e.Message.Contains("could not read the custom-format dump", StringComparison.Ordinal);
    }
}
