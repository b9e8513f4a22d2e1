using System.Text.Json;
using Xunit;
using Replica.Kubernetes.Workers;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Kubernetes.Tests.Platform;

/// <summary>
/// A worker pod's log interleaves stderr progress lines and messages with the --json summary on
/// stdout; all documents are of the worker protocol (<see cref="WorkerJson"/>), written here with
/// the same serializer the workers use.
/// </summary>
public sealed class WorkerLogTests
{
    private static readonly RestoreDbSummary Restored = new(
        "/backups/hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz", "cluster-dump", true, true,
        [new("frag", true, [new("public.users", 40, 40, 2048)]), new("postgres", true, [])],
        7, 1234, 72432, 400000, new(0.25, 1.5, 0.75), 2.6);

    private static string Line(WorkerProgress p) => JsonSerializer.Serialize(new WorkerProgressLine(p), WorkerJson.Default.WorkerProgressLine);

    private static readonly string RestoreLog = string.Join('\n',
        Line(new WorkerProgress("schema", null, 0, 1000, 0, null, 0)),
        "replica worker restore-db: restoring /backups/x into database:5432 with 2 connections",
        Line(new WorkerProgress("data", "public.users", 400, 1000, 0, null, 4096)),
        JsonSerializer.Serialize(Restored, WorkerJson.Default.RestoreDbSummary),
        "");

    [Fact]
    public void Restore_summary_is_found_among_progress_lines_and_messages()
    {
        var found = WorkerLog.Summary(RestoreLog, WorkerJson.Default.RestoreDbSummary);
        Assert.NotNull(found);
        var s = WorkerSummaries.Restore(found);
        Assert.Equal("cluster-dump", s.Flavour);
        Assert.Equal(["frag", "postgres"], s.Databases);
        Assert.Equal((7, 1234L, 400000L), (s.Tables, s.Rows, s.Bytes));
        Assert.Equal((0.25, 1.5, 0.75, 2.6), (s.SchemaSeconds, s.DataSeconds, s.IndexSeconds, s.Seconds));
    }

    [Fact]
    public void The_summary_is_snake_case_on_one_line()
    {
        var json = JsonSerializer.Serialize(Restored, WorkerJson.Default.RestoreDbSummary);
        Assert.DoesNotContain('\n', json);
        Assert.Contains("\"total_seconds\":2.6", json);
        Assert.Contains("\"indexes_and_constraints\":0.75", json);
        Assert.Contains("\"loaded_rows\":40", json);
    }

    [Fact]
    public void A_summary_of_another_worker_or_a_progress_line_is_not_taken_for_this_one()
    {
        Assert.Null(WorkerLog.Summary(RestoreLog, WorkerJson.Default.SyncMediaSummary));
        Assert.Null(WorkerLog.Progress(JsonSerializer.Serialize(Restored, WorkerJson.Default.RestoreDbSummary)));
        var sync = JsonSerializer.Serialize(new SyncMediaSummary(3, 1, 2, 10, 1, 0, 1, 1, 4096, 0.5), WorkerJson.Default.SyncMediaSummary);
        Assert.Null(WorkerLog.Summary(sync, WorkerJson.Default.RestoreDbSummary));
        var media = WorkerSummaries.Media(WorkerLog.Summary("replica worker sync-media: warning: skipped a socket\n" + sync + "\n", WorkerJson.Default.SyncMediaSummary)!);
        Assert.Equal((3, 1, 2, 10, 4096L), (media.FilesCopied, media.FilesUpdated, media.FilesDeleted, media.FilesUnchanged, media.BytesCopied));
    }

    [Fact]
    public void No_summary_in_a_failed_log()
    {
        var log = Line(new WorkerProgress("schema", null, 0, 10, 0, null, 0)) + "\nreplica worker restore-db: ERROR: relation \"x\" does not exist at line 12 of /backups/b.sql\n";
        Assert.Null(WorkerLog.Summary(log, WorkerJson.Default.RestoreDbSummary));
        Assert.Equal("replica worker restore-db: ERROR: relation \"x\" does not exist at line 12 of /backups/b.sql", WorkerLog.LastMessage(log));
    }

    [Fact]
    public void A_cut_off_summary_is_not_taken_for_one()
    {
        var json = JsonSerializer.Serialize(Restored, WorkerJson.Default.RestoreDbSummary);
        Assert.Null(WorkerLog.Summary(json[..(json.Length / 2)], WorkerJson.Default.RestoreDbSummary));
        Assert.Null(WorkerLog.Summary(json.Replace("\"flavour\":\"cluster-dump\",", ""), WorkerJson.Default.RestoreDbSummary));
    }
}

public sealed class WorkerProgressTests
{
    [Fact]
    public void A_progress_line_becomes_the_runs_progress_update()
    {
        var line = """{"progress":{"phase":"data","item":"public.users","bytes_done":400,"bytes_total":1000,"files_done":0,"files_total":null,"bytes_per_second":50.5}}""";
        var u = WorkerSummaries.Progress("restore database", WorkerLog.Progress(line)!);
        Assert.Equal(("restore database", "data", "public.users", 400L, (long?)1000, 0L, (long?)null, 50.5),
            (u.Step, u.Phase, u.Item, u.BytesDone, u.BytesTotal, u.FilesDone, u.FilesTotal, u.BytesPerSecond));
    }

    [Theory]
    [InlineData("replica worker restore-db: restoring /backups/x into 127.0.0.1:5432 with 2 connections")]
    [InlineData("replica worker restore-db: ERROR: syntax error at line 3")]
    [InlineData("""{"progress":{"phase":"data"}}""")]
    [InlineData("""{"progress":{"phase":"data","item":null,"bytes_done":1,"bytes_total":2,"files_done":0,"files_total":null,"bytes_per_second":0,"extra":1}}""")]
    [InlineData("""{"progress":""")]
    public void Other_lines_are_not_progress(string line) => Assert.Null(WorkerLog.Progress(line));
}
