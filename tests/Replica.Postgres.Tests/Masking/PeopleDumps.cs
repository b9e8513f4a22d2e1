using Npgsql;
using Replica.Postgres.Instances;
using Replica.Postgres.Restore.Masking;
using Replica.Postgres.Tests.Restore;

namespace Replica.Postgres.Tests.Masking;

/// <summary>
/// Built once per test run: a source server with a "people" database holding personal data (auth_user goes as COPY
/// text: it has dates and inet; contact, all integers and strings, goes as COPY binary), and its dumps in every flavour.
/// </summary>
public sealed class PeopleDumps : IAsyncLifetime
{
    public const string Key = "test-masking-key-0123456789";
    private DumpedSource? _source;

    public PostgresInstance Source => _source!.Server;
    public string Password => _source!.Password;

    /// <summary>Path of a dump: kind is "cluster", "database" or "custom".</summary>
    public string Dump(string kind, bool gzip) => _source!.Dump(kind, gzip);

    public const string Content = """
        CREATE TABLE public.auth_user (
            id integer PRIMARY KEY,
            email varchar(254) NOT NULL UNIQUE,
            first_name varchar(150) NOT NULL,
            last_name varchar(6),
            username varchar(20) NOT NULL UNIQUE,
            password varchar(128) NOT NULL,
            last_login timestamptz,
            birth date,
            ip_address inet,
            phone text,
            age integer NOT NULL);
        INSERT INTO public.auth_user
          SELECT i, 'person' || i || '@mail.example.org',
                 CASE WHEN i % 10 = 0 THEN E'Tab\there \\ back\nslash ' || i ELSE 'Given' || i END,
                 CASE WHEN i % 7 = 0 THEN NULL ELSE 'Fam' || (i % 1000) END,
                 'user' || i, 'pbkdf2_sha256$' || md5(i::text),
                 CASE WHEN i % 5 = 0 THEN NULL ELSE timestamptz '2024-01-01 10:00:00.25+00' + i * interval '1 hour' END,
                 CASE WHEN i % 6 = 0 THEN NULL ELSE date '1970-01-01' + i * 7 END,
                 ('10.0.' || (i / 250) || '.' || (i % 250))::inet,
                 CASE WHEN i % 3 = 0 THEN NULL ELSE '+44 20 7946 ' || lpad(i::text, 4, '0') END,
                 18 + i % 60
          FROM generate_series(1, 2000) i;
        CREATE TABLE public.contact (
            id bigint PRIMARY KEY,
            email text UNIQUE,
            nickname varchar(40),
            note text,
            code char(8) NOT NULL UNIQUE,
            tag char(4));
        INSERT INTO public.contact
          SELECT i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'contact' || i || '@mail.example.org' END,
                 CASE WHEN i % 9 = 0 THEN E'nick\\name\t' || i ELSE 'nick' || i END,
                 'note ' || i, lpad(i::text, 8, '0'), 'z' || (i % 50)
          FROM generate_series(1, 3000) i;
        """;

    public async Task InitializeAsync()
    {
        _source = await DumpedSource.StartAsync();
        await _source.ExecuteAsync("postgres", "CREATE DATABASE people");
        await _source.ExecuteAsync("people", Content);
        await _source.WriteDumpsAsync("people");
    }

    /// <summary>The profile most tests use: every transformer, on both tables.</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, TransformerSpec>> Tables() => new()
    {
        ["public.auth_user"] = new Dictionary<string, TransformerSpec>
        {
            ["email"] = new("email"),
            ["first_name"] = new("first_name"),
            ["last_name"] = new("last_name"),
            ["username"] = TransformerSpec.Parse("hash(length=16)"),
            ["password"] = TransformerSpec.Parse("constant: !"),
            ["last_login"] = TransformerSpec.Parse("noise_date: 30d"),
            ["birth"] = TransformerSpec.Parse("noise_date: 400d"),
            ["ip_address"] = new("null_value"),
            ["phone"] = TransformerSpec.Parse("hash(length=10)"),
            ["age"] = TransformerSpec.Parse("noise_int: 3"),
        },
        ["public.contact"] = new Dictionary<string, TransformerSpec>
        {
            ["email"] = new("email"),
            ["nickname"] = new("hash"),
        },
    };

    public static MaskingProfile Profile(Action<Dictionary<string, IReadOnlyDictionary<string, TransformerSpec>>>? change = null)
    {
        var tables = Tables();
        change?.Invoke(tables);
        return new MaskingProfile(Key, tables, PiiPolicy.Refuse, "developer");
    }

    /// <summary>Rows of a query on a server, each as an array of values (DBNull as null).</summary>
    public static async Task<List<object?[]>> RowsAsync(PostgresInstance pg, string database, string sql)
    {
        await using var c = new NpgsqlConnection(pg.ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await r.ReadAsync())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public async Task DisposeAsync()
    {
        if (_source is not null) await _source.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PeopleDumpsCollection : ICollectionFixture<PeopleDumps>
{
    public const string Name = "people dumps";
}
