using System.IO.Compression;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Dumps;

namespace Replica.Tests.Backups;

public class BackupCatalogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("replica-catalog-").FullName;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T12:00:00Z");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string kind, string name, string content, bool gzip = true)
    {
        var dir = Path.Combine(_root, kind);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        using var f = File.Create(path);
        using Stream s = gzip ? new GZipStream(f, CompressionLevel.Fastest) : f;
        s.Write(System.Text.Encoding.UTF8.GetBytes(content));
        return path;
    }

    private const string Cluster = "--\n-- PostgreSQL database cluster dump\n--\n\nSET x = 1;\n";
    private const string Database = "--\n-- PostgreSQL database dump\n--\n\nSET x = 1;\n";

    [Fact]
    public void Same_name_in_several_folders_is_one_backup_and_newest_comes_first()
    {
        Write("hourly", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz", Cluster);
        Write("daily", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz", Cluster);
        Write("hourly", "backup-2026-11-24T03:04:07Z-dumpall.sql.gz", Cluster);
        Write("weekly", "backup-2026-11-20T02:04:07Z-dumpall.sql.gz", Cluster);
        var list = new BackupCatalog(_root).List();
        Assert.Equal(3, list.Count);
        Assert.Equal("backup-2026-11-24T03:04:07Z-dumpall.sql.gz", list[0].Name);
        Assert.Equal(["hourly", "daily"], list[1].Kinds);
        Assert.Equal("hourly", list[1].Kind);
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T02:04:07Z"), list[2].Time);
    }

    [Fact]
    public void Latest_from_backup_and_max_age_choose_or_refuse()
    {
        Write("hourly", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz", Cluster);
        Write("daily", "backup-2026-11-23T02:04:07Z-dumpall.sql.gz", Cluster);
        var catalog = new BackupCatalog(_root);
        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", catalog.Select(null, null, Now).Name);
        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", catalog.Select("LATEST", 12, Now).Name);
        Assert.Equal("backup-2026-11-23T02:04:07Z-dumpall.sql.gz", catalog.Select("2026-11-23T02:04:07Z", null, Now).Name);
        var old = Assert.Throws<RefusedException>(() => catalog.Select("LATEST", 6, Now));
        Assert.Contains("--max-age-hours 6", old.Message);
        Assert.Contains("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", old.Message);
        var missing = Assert.Throws<RefusedException>(() => catalog.Select("2025-01-01", null, Now));
        Assert.Contains("'2025-01-01'", missing.Message);
    }

    [Fact]
    public void Empty_folder_is_refused_naming_it()
    {
        Directory.CreateDirectory(Path.Combine(_root, "hourly"));
        var e = Assert.Throws<RefusedException>(() => new BackupCatalog(_root).List());
        Assert.Contains(_root, e.Message);
        Assert.Contains("no backups", e.Message);
    }

    [Fact]
    public void Missing_folder_is_refused_naming_it()
    {
        var e = Assert.Throws<RefusedException>(() => new BackupCatalog(Path.Combine(_root, "nope")).List());
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public void Files_that_do_not_look_like_backups_are_skipped_with_a_warning_naming_each()
    {
        var good = Write("hourly", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz", Cluster);
        var readme = Write("hourly", "README", "about these backups", gzip: false);
        var nightly = Write("daily", "nightly.sql.gz", Cluster);
        var noTime = Write("hourly", "backup-latest-dumpall.sql.gz", Cluster);
        var partial = Write("hourly", ".backup-2026-11-24T03:04:07Z-dumpall.sql.gz.Xa81q", Cluster);
        var empty = Path.Combine(_root, "hourly", "backup-2026-11-24T04:04:07Z-dumpall.sql.gz");
        File.WriteAllBytes(empty, []);

        var listing = new BackupCatalog(_root).Read();

        Assert.Equal([good], listing.Backups.Select(b => b.Path));
        Assert.Equal(new[] { partial, readme, noTime, empty, nightly }.Order(StringComparer.Ordinal),
            listing.Skipped.Select(s => s.Path).Order(StringComparer.Ordinal));
        var warnings = listing.Warnings.ToList();
        Assert.Contains(warnings, w => w.StartsWith(readme + " was skipped: it has no UTC time", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith(partial + " was skipped: it is a hidden file", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith(empty + " was skipped: it is empty", StringComparison.Ordinal));
        // The stray files block neither the list nor the choice of a backup.
        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", new BackupCatalog(_root).Select("LATEST", null, Now).Name);
        Assert.Equal([good], new BackupCatalog(_root).List().Select(b => b.Path));
    }

    [Fact]
    public void A_folder_holding_only_stray_files_is_refused_naming_one_of_them()
    {
        var readme = Write("hourly", "README", "about these backups", gzip: false);
        var e = Assert.Throws<RefusedException>(() => new BackupCatalog(_root).Read());
        Assert.Contains("no backups", e.Message);
        Assert.Contains(readme, e.Message);
        Assert.Contains("1 file(s)", e.Message);
    }

    [Fact]
    public void Flavour_comes_from_content_not_name()
    {
        var cluster = Write("hourly", "backup-2026-11-24T01:00:00Z-dumpall.sql.gz", Cluster);
        var database = Write("hourly", "backup-2026-11-24T02:00:00Z-dumpall.sql.gz", Database);
        var plain = Write("hourly", "backup-2026-11-24T03:00:00Z-dumpall.sql.gz", Database, gzip: false);
        var custom = Write("hourly", "backup-2026-11-24T04:00:00Z-dumpall.sql.gz", "PGDMP\x01\x0e\x00", gzip: false);
        Assert.Equal(new DumpInfo(DumpFlavour.ClusterDump, true), DumpSniffer.Inspect(cluster));
        Assert.Equal(new DumpInfo(DumpFlavour.DatabaseDump, true), DumpSniffer.Inspect(database));
        Assert.Equal(new DumpInfo(DumpFlavour.DatabaseDump, false), DumpSniffer.Inspect(plain));
        Assert.Equal(new DumpInfo(DumpFlavour.CustomDump, false), DumpSniffer.Inspect(custom));
    }

    [Fact]
    public void Empty_or_foreign_file_is_refused_naming_it()
    {
        var empty = Path.Combine(_root, "empty");
        File.WriteAllBytes(empty, []);
        Assert.Contains(empty, Assert.Throws<DumpFormatException>(() => DumpSniffer.Inspect(empty)).Message);
        var text = Write("hourly", "backup-2026-11-24T05:00:00Z-notes.txt", "hello", gzip: false);
        Assert.Contains("not a PostgreSQL dump", Assert.Throws<DumpFormatException>(() => DumpSniffer.Inspect(text)).Message);
    }
}
