using Replica.Core.Backups;
using Replica.Core.Runs;
using Replica.Core.Workflows;

namespace Replica.Cli.Output;

/// <summary>The closing summary of a run: what was used, what was done, where things are, what to run next.</summary>
public static class RunSummary
{
    public static int Print(RunResult r, TextWriter o)
    {
        var total = r.Steps.Aggregate(TimeSpan.Zero, (a, s) => a + s.Duration);
        o.WriteLine();
        switch (r.Status)
        {
            case RunStatus.Succeeded:
                o.WriteLine($"{r.Workflow} {r.Target}: succeeded in {ConsoleProgress.Seconds(total.TotalSeconds)} (run {r.RunId})");
                break;
            case RunStatus.Cancelled:
                o.WriteLine($"{r.Workflow} {r.Target}: cancelled (run {r.RunId}); what it had made was undone, nothing that existed before was removed.");
                break;
            default:
                o.WriteLine($"{r.Workflow} {r.Target}: {(r.Refused ? "REFUSED" : "FAILED")} (run {r.RunId}): {r.Message}");
                break;
        }
        if (r.Kept is { } stillRuns) o.WriteLine($"  {stillRuns}.");
        if (r.Backup is { } b) o.WriteLine($"  backup      {b.Name} ({r.BackupFlavour}, {b.Kind}, {Size.Format(b.SizeBytes)})");
        if (r.ImageTag is { } tag) o.WriteLine($"  image tag   {tag}");
        if (r.Restore is { } rs)
            o.WriteLine($"  database    {rs.Databases.Count} database(s), {rs.Tables} tables, {rs.Rows:N0} rows restored ({Size.Format(rs.Bytes)}; schema {rs.SchemaSeconds:0.0} s, data {rs.DataSeconds:0.0} s, indexes and constraints {rs.IndexSeconds:0.0} s)");
        if (r.Media is { } m)
            o.WriteLine($"  media       {m.FilesCopied:N0} copied, {m.FilesUpdated:N0} updated, {m.FilesDeleted:N0} deleted, {m.FilesUnchanged:N0} unchanged, {m.SymlinksWritten:N0} symlinks, {m.DirsCreated:N0}/{m.DirsDeleted:N0} folders created/deleted, {m.Skipped:N0} skipped, {Size.Format(m.BytesCopied)} copied");
        if (r.Steps.Count > 0)
            o.WriteLine($"  steps       {string.Join(" · ", r.Steps.Select(s => $"{s.Step} {ConsoleProgress.Seconds(s.Duration.TotalSeconds)}{(s.Outcome == "succeeded" ? "" : $" ({s.Outcome})")}"))}");
        if (r.Status == RunStatus.Succeeded && r.Workflow.StartsWith("start", StringComparison.Ordinal) || r.Workflow == "upgrade" && r.Status == RunStatus.Succeeded)
        {
            o.WriteLine();
            if (r.Database is { } db) o.WriteLine($"Database:  psql \"{db.Url}\"");
            if (r.MediaLocation is { } media) o.WriteLine($"Media:     {media}{(r.Workflow.Contains("--db-only") ? " (not synced: --db-only)" : "")}");
            o.WriteLine(r.Stack is { } stack ? $"Stack:     {stack.Url}" : "Stack:     none configured (targets.<name>.stack)");
            o.WriteLine($"Next:      replica status {r.Target}   ·   replica stop {r.Target}");
        }
        else if (r.Status == RunStatus.Succeeded && r.Workflow == "stop" && r.MediaLocation is { } kept)
        {
            o.WriteLine($"Media kept at {kept}; the next 'replica start {r.Target}' copies only what changed.");
        }
        else if (r.Status != RunStatus.Succeeded)
        {
            o.WriteLine($"See the whole log: replica logs {r.RunId}");
        }
        // A cancelled run did not succeed: 1, per the exit-code contract; a guard's refusal mid-run is bad input: 2.
        return r.Status == RunStatus.Succeeded ? 0 : r.Refused ? 2 : 1;
    }
}
