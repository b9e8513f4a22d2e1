using System.Text;
using Npgsql;
using Replica.Postgres.Restore.Loading;

namespace Replica.Postgres.Tests.Restore;

/// <summary>
/// COPY text rows turned into COPY binary must mean exactly what the server reads from the text: each
/// case loads the same lines both ways into a real server and compares, and a value the server refuses
/// as text is refused by the converter in the server's own words.
/// </summary>
public sealed class BinaryRowsTests
{
    private const string Columns = "a int2, b int4, c int8, d text, e varchar(12), f char(5), g text";

    private static readonly (string Name, uint Oid)[] Types =
        [("a", 21), ("b", 23), ("c", 20), ("d", 25), ("e", 1043), ("f", 1042), ("g", 25)];

    private static readonly string[] Lines =
    [
        "1\t2\t3\tplain\tshort\tab\tx",
        "-32768\t-2147483648\t-9223372036854775808\tmin\tmin\tmin\tmin",
        "32767\t2147483647\t9223372036854775807\tmax\tmax\tmax\tmax",
        "\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N",
        " 7 \t+8\t  -9\tspaces around numbers\t\t     \t",
        "0\t0\t0\ttab\\there\\nnew line\\\\backslash\\rcr\\bbs\\fff\\vvt\tx\ty\tz",
        "1\t1\t1\toctal \\101\\1012 hex \\x41\\x4a2 \\xg no-hex\t\\q\\N\t\\N\tg",
        "2\t2\t2\tünïcödé ✓ 日本語 🦀\tß\t日本\t",
        "3\t3\t3\tescaped tab \\\tin a field\ta\tb\tc",
        "4\t4\t4\tescaped backslash then N is text, not NULL\tx\tz\t\\\\N",
        "\\061\\062\t\\x33\t4\\0615\tescaped digits are digits\te\tf\tg",
    ];

    [Fact]
    public async Task Rows_mean_what_the_server_reads_from_the_text()
    {
        await using var target = await TargetInstance.CreateAsync();
        await target.ExecuteAsync("postgres", $"CREATE TABLE as_text (n int, {Columns}); CREATE TABLE as_binary (n int, {Columns});");
        var numbered = Lines.Select((l, i) => $"{i}\t{l}").ToArray();
        var text = Encoding.UTF8.GetBytes(string.Join("\n", numbered) + "\n");

        await using var c = new NpgsqlConnection(target.Instance.ConnectionString());
        await c.OpenAsync();
        await using (var w = await c.BeginTextImportAsync("COPY as_text FROM STDIN"))
            await w.WriteAsync(string.Join("\n", numbered) + "\n");

        var rows = BinaryRows.For([("n", 23u), .. Types])!;
        var output = new byte[16];
        int n = rows.Convert(text, ref output);
        await using (var raw = await c.BeginRawBinaryCopyAsync("COPY as_binary FROM STDIN (FORMAT binary)"))
        {
            await raw.WriteAsync(BinaryRows.Header.ToArray());
            await raw.WriteAsync(output.AsMemory(0, n));
            await raw.WriteAsync(BinaryRows.Trailer.ToArray());
        }

        // Row by row, column by column, NULLs included: identical.
        await using var cmd = new NpgsqlCommand(
            "SELECT n, (x IS NOT DISTINCT FROM y) AS same, x::text, y::text FROM as_text x FULL JOIN as_binary y USING (n) ORDER BY n", c);
        await using var r = await cmd.ExecuteReaderAsync();
        int count = 0;
        while (await r.ReadAsync())
        {
            count++;
            Assert.True(r.GetBoolean(1), $"row {r.GetInt32(0)}: text gave {r.GetString(2)}, binary gave {(r.IsDBNull(3) ? "nothing" : r.GetString(3))}");
        }
        Assert.Equal(Lines.Length, count);
    }

    [Theory]
    [InlineData("1\t2\t3\td\te\tf")]                            // a column short
    [InlineData("1\t2\t3\td\te\tf\tg\textra")]                  // a column too many
    [InlineData("x\t2\t3\td\te\tf\tg")]                         // not a number
    [InlineData("\t2\t3\td\te\tf\tg")]                          // empty number
    [InlineData("40000\t2\t3\td\te\tf\tg")]                     // smallint overflow
    [InlineData("1\t2147483648\t3\td\te\tf\tg")]                // integer overflow
    [InlineData("1\t2\t9223372036854775808\td\te\tf\tg")]       // bigint overflow
    [InlineData("1\t2\t-99999999999999999999\td\te\tf\tg")]     // far below bigint
    [InlineData("1\t2\t3 4\td\te\tf\tg")]                       // two numbers
    [InlineData("1\t2\t3\tcarriage\rreturn\te\tf\tg")]           // raw carriage return
    public async Task A_value_the_server_refuses_is_refused_in_its_words(string line)
    {
        await using var target = await TargetInstance.CreateAsync();
        await target.ExecuteAsync("postgres", $"CREATE TABLE t ({Columns});");
        await using var c = new NpgsqlConnection(target.Instance.ConnectionString());
        await c.OpenAsync();
        var server = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var w = await c.BeginTextImportAsync("COPY t FROM STDIN");
            await w.WriteAsync("1\t1\t1\tfine\tfine\tfine\tfine\n" + line + "\n");
        });

        var output = new byte[16];
        var e = Assert.Throws<CopyValueException>(() => BinaryRows.For(Types)!.Convert(Encoding.UTF8.GetBytes("1\t1\t1\tfine\tfine\tfine\tfine\n" + line + "\n"), ref output));
        Assert.Equal(server.MessageText, e.Message);
        Assert.Equal(2, e.Row);
    }

    [Fact]
    public async Task An_escaped_NUL_is_refused_by_the_server_as_text_and_as_binary_alike()
    {
        await using var target = await TargetInstance.CreateAsync();
        await target.ExecuteAsync("postgres", $"CREATE TABLE t ({Columns});");
        await using var c = new NpgsqlConnection(target.Instance.ConnectionString());
        await c.OpenAsync();
        const string line = "1\t2\t3\ta\\000b\te\tf\tg\n";
        var asText = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var w = await c.BeginTextImportAsync("COPY t FROM STDIN");
            await w.WriteAsync(line);
        });
        var output = new byte[16];
        int n = BinaryRows.For(Types)!.Convert(Encoding.UTF8.GetBytes(line), ref output);
        var asBinary = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var raw = await c.BeginRawBinaryCopyAsync("COPY t FROM STDIN (FORMAT binary)");
            await raw.WriteAsync(BinaryRows.Header.ToArray());
            await raw.WriteAsync(output.AsMemory(0, n));
            await raw.WriteAsync(BinaryRows.Trailer.ToArray());
        });
        Assert.Equal(asText.MessageText, asBinary.MessageText);
    }

    [Fact]
    public void Only_integer_and_string_columns_are_converted()
    {
        Assert.NotNull(BinaryRows.For([("a", 21u), ("b", 23u), ("c", 20u), ("d", 25u), ("e", 1043u), ("f", 1042u)]));
        Assert.Null(BinaryRows.For([("a", 23u), ("ts", 1184u)]));   // timestamptz
        Assert.Null(BinaryRows.For([("a", 1700u)]));                // numeric
        Assert.Null(BinaryRows.For([("a", 16u)]));                  // boolean
        Assert.Null(BinaryRows.For([]));
    }
}
