using Xunit;
using Replica.Kubernetes.Workers;

namespace Replica.Kubernetes.Tests.Platform;

/// <summary>A worker pod's log interleaves stderr progress with the --json summary on stdout.</summary>
public sealed class WorkerLogTests
{
    // The shape `replica worker restore-db --json` prints (indented, snake_case).
    private const string RestoreLog = """
        restore-db:   0.0% schema
        restore-db:  40.0% data public.users
        {
          "backup": "/backups/hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz",
          "flavour": "cluster-dump",
          "gzipped": true,
          "verified": true,
          "databases": [
            { "name": "frag", "exists": true, "tables": [ { "name": "public.users", "expected_rows": 40, "loaded_rows": 40, "bytes": 2048 } ] },
            { "name": "postgres", "exists": true, "tables": [] }
          ],
          "tables": 7,
          "rows": 1234,
          "compressed_bytes": 72432,
          "uncompressed_bytes": 400000,
          "seconds": { "schema": 0.25, "data": 1.5, "indexes_and_constraints": 0.75 },
          "total_seconds": 2.6
        }
        """;

    [Fact]
    public void Restore_summary_is_found_among_progress_lines()
    {
        var o = WorkerLog.LastObject(RestoreLog, "flavour");
        Assert.NotNull(o);
        var s = WorkerSummaries.Restore(o.Value);
        Assert.Equal("cluster-dump", s.Flavour);
        Assert.Equal(["frag", "postgres"], s.Databases);
        Assert.Equal(7, s.Tables);
        Assert.Equal(1234, s.Rows);
        Assert.Equal(400000, s.Bytes);
        Assert.Equal(0.25, s.SchemaSeconds);
        Assert.Equal(1.5, s.DataSeconds);
        Assert.Equal(0.75, s.IndexSeconds);
        Assert.Equal(2.6, s.Seconds);
    }

    [Fact]
    public void Media_summary_from_a_one_line_object()
    {
        var log = "replica worker sync-media: warning: skipped a socket\n{\"files_copied\":3,\"files_updated\":1,\"files_deleted\":2,\"files_unchanged\":10,\"dirs_created\":1,\"dirs_deleted\":0,\"symlinks_written\":1,\"skipped\":1,\"bytes_copied\":4096,\"seconds\":0.5}\n";
        var s = WorkerSummaries.Media(WorkerLog.LastObject(log, "files_copied")!.Value);
        Assert.Equal((3, 1, 2, 10, 4096L), (s.FilesCopied, s.FilesUpdated, s.FilesDeleted, s.FilesUnchanged, s.BytesCopied));
    }

    [Fact]
    public void No_summary_in_a_failed_log()
    {
        var log = "restore-db:   0.0% schema\nreplica worker restore-db: ERROR: relation \"x\" does not exist at line 12 of /backups/b.sql\n";
        Assert.Null(WorkerLog.LastObject(log, "flavour"));
        Assert.Equal("replica worker restore-db: ERROR: relation \"x\" does not exist at line 12 of /backups/b.sql", WorkerLog.LastMessage(log));
    }

    [Fact]
    public void A_broken_object_is_not_taken_for_a_summary() =>
        Assert.Null(WorkerLog.LastObject("{\"flavour\": \"cluster-dump\",\n", "flavour"));
}

public sealed class RestoreProgressLineTests
{
    [Fact]
    public void A_progress_line_becomes_bytes_of_the_backup()
    {
        var u = RestoreProgressLine.Parse("restore-db:  40.0% data public.users", "restore database", 1000);
        Assert.NotNull(u);
        Assert.Equal(("restore database", "data", "public.users", 400L, (long?)1000), (u.Step, u.Phase, u.Item, u.BytesDone, u.BytesTotal));
        Assert.Equal("schema", RestoreProgressLine.Parse("restore-db: 100.0% schema", "s", 10)!.Phase);
    }

    [Theory]
    [InlineData("restore-db: restoring /backups/x into 127.0.0.1:5432 with 2 connections")]
    [InlineData("replica worker restore-db: ERROR: syntax error at line 3")]
    public void Other_lines_are_not_progress(string line) => Assert.Null(RestoreProgressLine.Parse(line, "s", 10));
}
