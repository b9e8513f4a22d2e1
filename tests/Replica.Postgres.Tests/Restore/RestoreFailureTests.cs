using System.IO.Compression;
using Replica.Postgres.Restore;
using Replica.Postgres.Tests.Instances;

namespace Replica.Postgres.Tests.Restore;

/// <summary>A broken backup or a failing statement fails the run in one sentence naming the object, the line and the file.</summary>
[Collection(SourceDumpsCollection.Name)]
public sealed class RestoreFailureTests(SourceDumps source)
{
    private static async Task<RestoreException> RestoreFailsAsync(TargetInstance target, string backup, string? database = null)
    {
        if (database is not null)
            await target.ExecuteAsync("postgres", "CREATE ROLE app LOGIN; CREATE ROLE reader LOGIN; CREATE ROLE analysts NOLOGIN;");
        return await Assert.ThrowsAsync<RestoreException>(() => new RestoreEngine().RunAsync(
            target.Restore(backup) with { Database = database, Owner = database is null ? null : "app" }, null, null, CancellationToken.None));
    }

    /// <summary>Corrupts one row of a table's COPY block in the database dump; the restore must fail naming the table, the row's line and the error.</summary>
    private async Task BadValueFailsAsync(string table, Func<List<string>, int, int> pickRow, Func<string, string> corrupt, string error)
    {
        using var tmp = new TempFolder();
        var lines = File.ReadAllLines(source.Dump("database", false)).ToList();
        int copy = lines.FindIndex(l => l.StartsWith($"COPY {table} ", StringComparison.Ordinal));
        int bad = pickRow(lines, copy);
        lines[bad] = corrupt(lines[bad]);
        var file = tmp.Sub("corrupt.sql");
        File.WriteAllLines(file, lines);

        await using var target = await TargetInstance.CreateAsync();
        var e = await RestoreFailsAsync(target, file, "shop_copy");
        Assert.Contains($"TABLE DATA {table}", e.Message);
        Assert.Contains($"line {bad + 1} of {file}", e.Message);
        Assert.Contains(error, e.Message);
        Assert.Equal(bad + 1, e.Line);
    }

    [Fact]
    public Task Corrupt_copy_data_names_the_table_and_the_dump_line() =>
        BadValueFailsAsync("sales.orders", (_, copy) => copy + 5, row => "not-a-number" + row[row.IndexOf('\t')..],
            "invalid input syntax for type bigint");

    [Fact]
    public Task A_bad_value_in_a_table_sent_as_COPY_binary_names_the_table_and_the_dump_line() =>
        // public."Mixed Case" (text, int) is converted to COPY binary by replica, so the error is replica's, worded as the server's.
        BadValueFailsAsync("public.\"Mixed Case\"", (lines, copy) => lines.FindIndex(copy, l => l.EndsWith("\t4", StringComparison.Ordinal)), row => row + "x",
            "invalid input syntax for type integer: \"4x\"");

    [Fact]
    public async Task A_failing_index_names_the_index_and_the_dump_line()
    {
        using var tmp = new TempFolder();
        var lines = File.ReadAllLines(source.Dump("database", false)).ToList();
        int index = lines.FindIndex(l => l.StartsWith("CREATE INDEX orders_customer ", StringComparison.Ordinal));
        lines[index] = lines[index].Replace("(customer_id)", "(no_such_column)");
        var file = tmp.Sub("bad-index.sql");
        File.WriteAllLines(file, lines);

        await using var target = await TargetInstance.CreateAsync();
        var e = await RestoreFailsAsync(target, file, "shop_copy");
        Assert.Contains("INDEX sales.orders_customer", e.Message);
        Assert.Contains($"line {index + 1} of {file}", e.Message);
        Assert.Contains("no_such_column", e.Message);
    }

    [Fact]
    public async Task A_truncated_gzip_names_the_file()
    {
        using var tmp = new TempFolder();
        var whole = File.ReadAllBytes(source.Dump("cluster", true));
        var file = tmp.Sub("truncated-dumpall.sql.gz");
        File.WriteAllBytes(file, whole[..(whole.Length * 2 / 3)]);

        await using var target = await TargetInstance.CreateAsync();
        var e = await RestoreFailsAsync(target, file);
        Assert.Contains(file, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public async Task A_truncated_custom_dump_names_the_file()
    {
        using var tmp = new TempFolder();
        var whole = File.ReadAllBytes(source.Dump("custom", false));
        var file = tmp.Sub("truncated.dump");
        File.WriteAllBytes(file, whole[..(whole.Length / 2)]);

        await using var target = await TargetInstance.CreateAsync();
        var e = await RestoreFailsAsync(target, file, "shop_copy");
        Assert.Contains(file, e.Message);
        Assert.Contains("pg_restore", e.Message);
    }

    [Fact]
    public async Task A_plain_dump_cut_inside_copy_data_names_the_file_and_line()
    {
        using var tmp = new TempFolder();
        var lines = File.ReadAllLines(source.Dump("cluster", false));
        int copy = Array.FindIndex(lines, l => l.StartsWith("COPY sales.orders ", StringComparison.Ordinal));
        var file = tmp.Sub("cut.sql");
        File.WriteAllLines(file, lines[..(copy + 100)]);

        await using var target = await TargetInstance.CreateAsync();
        var e = await RestoreFailsAsync(target, file);
        Assert.Contains(file, e.Message);
        Assert.Contains("sales.orders", e.Message);
    }

    [Fact]
    public async Task A_dump_without_its_trailer_is_refused_as_truncated()
    {
        using var tmp = new TempFolder();
        var lines = File.ReadAllLines(source.Dump("cluster", false));
        int last = Array.FindLastIndex(lines, l => l.StartsWith("GRANT ", StringComparison.Ordinal));
        var file = tmp.Sub("no-trailer.sql.gz");
        await using (var gz = new GZipStream(File.Create(file), CompressionLevel.Fastest))
        await using (var w = new StreamWriter(gz))
            foreach (var l in lines[..(last + 1)]) await w.WriteLineAsync(l);

        await using var target = await TargetInstance.CreateAsync();
        var e = await RestoreFailsAsync(target, file);
        Assert.Contains(file, e.Message);
        Assert.Contains("dump complete", e.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_dump_is_refused()
    {
        using var tmp = new TempFolder();
        var file = tmp.Sub("notes.txt");
        File.WriteAllText(file, "hello\n");
        await using var target = await TargetInstance.CreateAsync();
        var e = await RestoreFailsAsync(target, file);
        Assert.Contains(file, e.Message);
        Assert.Contains("not a PostgreSQL dump", e.Message);
    }
}
