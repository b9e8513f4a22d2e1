using Npgsql;
using Replica.Postgres.Dumps;

namespace Replica.Postgres.Restore;

/// <summary>What every part of one restore shares: options, server, cancellation, progress, log, and how failures are worded.</summary>
internal sealed class RestoreContext(RestoreOptions options, TargetServer server, DumpFlavour flavour, Func<long> compressedRead, long compressedTotal,
    IProgress<RestoreProgress>? progress, Action<string>? log, CancellationTokenSource cancellation)
{
    public RestoreOptions Options => options;
    public DumpFlavour Flavour => flavour;
    public TargetServer Server => server;
    public CancellationToken Cancellation { get; } = cancellation.Token;

    /// <summary>Table data read ahead of the loading connections, in bytes, across all tables.</summary>
    public Loading.ByteBudget Budget { get; } = new(options.ReadAheadBytes ?? Loading.ByteBudget.Default());

    /// <summary>Indexes and keys learnt ahead of the main reader, when the backup can be read twice cheaply.</summary>
    public PostData.PostDataReadAhead? ReadAhead { get; init; }

    /// <summary>The masking profile applied to this restore's rows, or null.</summary>
    public Masking.RestoreMasking? Masking { get; init; }

    /// <summary>Stops every connection and reader of this restore; called once it has failed.</summary>
    public void Abort()
    {
        try { cancellation.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Log(string message) => log?.Invoke(message);

    private long _lastReport;

    public void Report(string phase, string? table)
    {
        Volatile.Write(ref _lastReport, Environment.TickCount64);
        progress?.Report(new RestoreProgress(phase, table, compressedRead(), compressedTotal));
    }

    /// <summary>At most a few reports a second, for events that happen per chunk.</summary>
    public void ReportThrottled(string phase, string? table)
    {
        if (progress is not null && Environment.TickCount64 - Volatile.Read(ref _lastReport) >= 250) Report(phase, table);
    }

    /// <summary>One sentence: the error, the object, the position in the dump, the file.</summary>
    public RestoreException Failure(long line, string what, string database, Exception e)
    {
        if (e is RestoreException r) return r;
        var error = e switch
        {
            PostgresException p => p.MessageText + (p.Where is { Length: > 0 } w ? $" ({w.Split('\n')[0]})" : "") + (p.Detail is { Length: > 0 } d ? $" — {d}" : ""),
            _ => e.Message,
        };
        var where = flavour == DumpFlavour.CustomDump ? $"line {line} of the SQL that pg_restore decoded from {options.BackupPath}" : $"line {line} of {options.BackupPath}";
        var hint = e is PostgresException { SqlState: "42704" } pe && pe.MessageText.StartsWith("role ", StringComparison.Ordinal)
            ? "; the dump needs a role this server lacks: create it first, or restore the cluster dump that has it" : "";
        return new RestoreException($"Restore failed at {where} ({what}, database {database}): {error.TrimEnd('.')}{hint}.", e) { Line = line, Object = what };
    }
}
