using System.Diagnostics;
using System.IO.Compression;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Tests.Support;

namespace Replica.Tests.Workflows;

/// <summary>Every backup flavour through the start workflow; the flavour is read from content, all files are named -dumpall.sql.gz.</summary>
public class LocalBackupFlavourTests
{
    [Fact]
    public async Task A_single_database_dump_restores_into_the_configured_database_and_owner()
    {
        await using var t = new LocalTarget();
        var result = await t.Workflows.StartAsync(new StartRequest("staging", FromBackup: "2026-11-22", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.True(result.Status == RunStatus.Succeeded, result.Message);
        Assert.Equal("database-dump", result.BackupFlavour);
        Assert.Equal(12, await LocalTarget.CountAsync(result.Database!, "SELECT count(*) FROM auth_user"));
        Assert.Equal(1, await LocalTarget.CountAsync(result.Database!, "SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE datname = 'frag' AND rolname = 'fragalysis'"));
        Assert.Equal(1, await LocalTarget.CountAsync(result.Database!, "SELECT count(*) FROM pg_tables WHERE tablename = 'auth_user' AND tableowner = 'fragalysis'"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_custom_format_dump_restores_gzipped_or_not(bool gzip)
    {
        await using var t = new LocalTarget();
        var first = await t.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, first.Status);

        // Production's backup job could as well write pg_dump -Fc (here without grants to roles a fresh
        // instance lacks); the name keeps its suffix.
        var db = first.Database!;
        var custom = Path.Combine(t.Workspace.Backups, "hourly", "backup-2026-11-25T02:04:07Z-dumpall.sql.gz");
        var psi = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_dump", ["-Fc", "--no-privileges", "-h", db.Host, "-p", db.Port.ToString(), "-U", db.User, "-d", "frag"])
        {
            RedirectStandardOutput = true,
            Environment = { ["PGPASSWORD"] = db.Password },
        };
        using (var p = Process.Start(psi)!)
        await using (var file = File.Create(custom))
        {
            Stream into = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
            await p.StandardOutput.BaseStream.CopyToAsync(into);
            await into.DisposeAsync();
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
        }

        var result = await t.Workflows.StartAsync(new StartRequest("dev", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.True(result.Status == RunStatus.Succeeded, result.Message);
        Assert.Equal("custom-dump", result.BackupFlavour);
        Assert.Equal("backup-2026-11-25T02:04:07Z-dumpall.sql.gz", result.Backup!.Name);
        Assert.Equal(48, await LocalTarget.CountAsync(result.Database!, "SELECT count(*) FROM auth_user"));
        Assert.Equal(2000, await LocalTarget.CountAsync(result.Database!, "SELECT count(*) FROM viewer_event_log"));
        Assert.NotEqual(first.Database!.Port, result.Database!.Port); // its own instance
    }
}
