using System.Text;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore.Loading;
using Replica.Postgres.Restore.Masking;
using Replica.Postgres.Restore.Masking.Transformers;

namespace Replica.Postgres.Tests.Masking;

/// <summary>Profiles are checked when built; transformers are keyed and deterministic; the text rewriter keeps COPY's escapes.</summary>
public sealed class MaskingProfileTests
{
    private static MaskingProfile Profile(string table, string column, TransformerSpec spec, string key = PeopleDumps.Key) =>
        new(key, new Dictionary<string, IReadOnlyDictionary<string, TransformerSpec>> { [table] = new Dictionary<string, TransformerSpec> { [column] = spec } }, PiiPolicy.Refuse, "developer");

    [Theory]
    [InlineData("hashh", "The masking profile developer, column public.auth_user.username: there is no transformer 'hashh'; use one of email, first_name, last_name, hash, constant, null_value, noise_date, noise_int, keep.")]
    [InlineData("hash(length=0)", "The masking profile developer, column public.auth_user.username: hash's length must be a whole number from 1 to 64, not '0'; write it as { hash: { length: 12 } }.")]
    [InlineData("hash(size=12)", "The masking profile developer, column public.auth_user.username: hash has no parameter 'size' (it has length); write it as { hash: { length: 12 } }.")]
    [InlineData("noise_date: soon", "The masking profile developer, column public.auth_user.username: noise_date's range 'soon' is not a duration such as 30d, 12h, 90m or 1d12h; write it as { noise_date: 30d }.")]
    [InlineData("noise_date", "The masking profile developer, column public.auth_user.username: noise_date needs its range; write it as { noise_date: 30d }.")]
    [InlineData("constant", "The masking profile developer, column public.auth_user.username: constant needs its value; write it as { constant: \"!\" }.")]
    [InlineData("email: x", "The masking profile developer, column public.auth_user.username: email takes no value, but 'x' is given; write it as email.")]
    public void A_bad_transformer_spec_is_one_sentence_naming_the_column_and_the_fix(string spec, string message)
    {
        var e = Assert.Throws<MaskingProfileException>(() => Profile("public.auth_user", "username", TransformerSpec.Parse(spec)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_short_key_and_an_unqualified_table_are_refused()
    {
        Assert.Equal("The masking profile developer has a key of 5 bytes; set its key to a secret of at least 16 characters (e.g. key: ${REPLICA_MASKING_KEY}).",
            Assert.Throws<MaskingProfileException>(() => Profile("public.t", "c", new("email"), key: "short")).Message);
        Assert.Equal("The masking profile developer names the table 'auth_user'; write it as schema.table (e.g. public.auth_user) or database.schema.table.",
            Assert.Throws<MaskingProfileException>(() => Profile("auth_user", "c", new("email"))).Message);
        Assert.DoesNotContain(PeopleDumps.Key, Profile("public.t", "c", new("email")).ToString());
    }

    [Fact]
    public void Table_names_may_be_quoted_and_database_qualified()
    {
        var rule = Profile("shop.\"sales.x\".\"Mixed Case\"", "Weird", new("keep")).Rules.Single();
        Assert.Equal(("shop", "sales.x", "Mixed Case"), (rule.Database, rule.Schema, rule.Table));
        var bare = Profile("public.Mixed Case", "c", new("keep")).Rules.Single();
        Assert.Equal((null, "public", "Mixed Case"), (bare.Database, bare.Schema, bare.Table));
    }

    [Fact]
    public void Deterministic_transformers_depend_on_the_value_and_the_key_only()
    {
        var column = new DumpColumn("c", "text", null, false);
        string Mask(string spec, string value, string key = PeopleDumps.Key)
        {
            var rule = Profile("public.t", "c", TransformerSpec.Parse(spec), key).Rules.Single();
            var mask = new ColumnMask("db", "public.t", column, rule, Encoding.UTF8.GetBytes(key), bypass: false);
            var output = Array.Empty<byte>();
            int n = mask.Apply(Encoding.UTF8.GetBytes(value), ref output);
            return n < 0 ? "NULL" : Encoding.UTF8.GetString(output, 0, n);
        }
        foreach (var spec in new[] { "email", "first_name", "last_name", "hash", "hash(length=12)" })
        {
            Assert.Equal(Mask(spec, "alice@example.org"), Mask(spec, "alice@example.org"));
            Assert.NotEqual(Mask(spec, "alice@example.org"), Mask(spec, "alice@example.org", "another-key-0123456789"));
        }
        Assert.NotEqual(Mask("email", "alice@example.org"), Mask("email", "bob@example.org"));
        Assert.Equal(12, Mask("hash(length=12)", "x").Length);
        Assert.Equal("!", Mask("constant: !", "secret"));
        Assert.Equal("NULL", Mask("null_value", "10.0.0.1"));
        Assert.Equal("kept", Mask("keep", "kept"));
    }

    [Fact]
    public void Noise_moves_dates_and_integers_by_a_non_zero_offset_within_the_range()
    {
        string Mask(string spec, string type, string value)
        {
            var column = new DumpColumn("c", type, null, false);
            var rule = Profile("public.t", "c", TransformerSpec.Parse(spec)).Rules.Single();
            var output = Array.Empty<byte>();
            int n = new ColumnMask("db", "public.t", column, rule, Encoding.UTF8.GetBytes(PeopleDumps.Key), false).Apply(Encoding.UTF8.GetBytes(value), ref output);
            return Encoding.UTF8.GetString(output, 0, n);
        }
        for (int i = 0; i < 200; i++)
        {
            var t = DateTime.Parse("2024-02-11 17:40:31").AddMinutes(i * 37);
            var text = t.ToString("yyyy-MM-dd HH:mm:ss");
            var moved = Mask("noise_date: 1d", "timestamp with time zone", text + ".125+05:30");
            Assert.EndsWith(".125+05:30", moved);
            var shift = DateTime.Parse(moved[..19]) - t;
            Assert.InRange(Math.Abs(shift.TotalSeconds), 1, 86400);
            var day = DateOnly.FromDateTime(t);
            var movedDay = DateOnly.Parse(Mask("noise_date: 3d", "date", day.ToString("yyyy-MM-dd")));
            Assert.InRange(Math.Abs(movedDay.DayNumber - day.DayNumber), 1, 3);
            Assert.InRange(Math.Abs(long.Parse(Mask("noise_int: 2", "integer", i.ToString())) - i), 1, 2);
        }
        Assert.Equal("infinity", Mask("noise_date: 1d", "date", "infinity"));
        Assert.InRange(long.Parse(Mask("noise_int: 5", "smallint", "32767")), 32762, 32766);
    }

    [Fact]
    public void The_text_rewriter_masks_only_its_columns_and_keeps_COPY_escapes()
    {
        var profile = Profile("public.t", "b", TransformerSpec.Parse("constant: a\tb\\c"));
        var masks = new ColumnMask?[] { null, new("db", "public.t", new DumpColumn("b", "text", null, false), profile.Rules.Single(), Encoding.UTF8.GetBytes(PeopleDumps.Key), false), null };
        var masking = new TableMasking(masks);
        var input = "1\tsecret\\tvalue\tx\\ny\n2\t\\N\t\\N\n3\tplain\t\n"u8;
        var output = new byte[4];
        int n = masking.RewriteText(input, ref output);
        Assert.Equal("1\ta\\tb\\\\c\tx\\ny\n2\t\\N\t\\N\n3\ta\\tb\\\\c\t\n", Encoding.UTF8.GetString(output, 0, n));
        Assert.Equal(2, masks[1]!.Masked);
    }

    [Theory]
    [InlineData("email", "its name has 'email'")]
    [InlineData("contactEmail", "its name has 'email'")]
    [InlineData("first_name", "its name has 'name'")]
    [InlineData("home_phone", "its name has 'phone'")]
    [InlineData("postcode", "its name has 'postcode'")]
    [InlineData("date_of_birth", "its name has 'birth'")]
    [InlineData("api_token", "its name has 'token'")]
    [InlineData("ssn", "its name has 'ssn'")]
    [InlineData("amount", null)]
    [InlineData("description", null)]
    [InlineData("created", null)]
    public void The_PII_test_reads_words_of_the_column_name(string name, string? reason) =>
        Assert.Equal(reason, PiiColumns.Reason(new DumpColumn(name, "text", null, false)));

    [Fact]
    public void The_PII_test_flags_network_address_types()
    {
        Assert.Equal("its type is inet", PiiColumns.Reason(new DumpColumn("origin", "inet", null, false)));
        Assert.Null(PiiColumns.Reason(new DumpColumn("origin", "text", null, false)));
    }

    [Fact]
    public void CREATE_TABLE_statements_give_columns_types_lengths_and_NOT_NULL()
    {
        var t = CreateTableStatement.Parse("db", """"
            CREATE TABLE public."Mixed Case" (
                id integer NOT NULL,
                "Weird ""col""" character varying(12) DEFAULT 'a, (b)'::character varying,
                at timestamp(3) without time zone,
                tags text[],
                code character(1),
                CONSTRAINT positive CHECK ((id > 0))
            );
            """")!;
        Assert.Equal(("public", "Mixed Case"), (t.Schema, t.Name));
        Assert.Equal(["id", "Weird \"col\"", "at", "tags", "code"], t.Columns.Select(c => c.Name));
        Assert.Equal(("character varying(12)", 12, false), (t.Columns[1].Type, t.Columns[1].Length, t.Columns[1].NotNull));
        Assert.True(t.Columns[0].NotNull);
        Assert.Equal(ColumnKind.Timestamp, t.Columns[2].Kind);
        Assert.Equal(ColumnKind.Other, t.Columns[3].Kind);
        Assert.Equal(1, t.Columns[4].Length);
    }

    [Theory]
    [InlineData("ALTER TABLE ONLY public.auth_user\n    ADD CONSTRAINT auth_user_username_key UNIQUE (username);", "public.auth_user", "username")]
    [InlineData("ALTER TABLE ONLY public.\"Mixed Case\"\n    ADD CONSTRAINT pk PRIMARY KEY (\"Id\");", "public.\"Mixed Case\"", "Id")]
    [InlineData("CREATE UNIQUE INDEX contact_code ON public.contact USING btree (code);", "public.contact", "code")]
    [InlineData("ALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_key UNIQUE (a, b);", null, null)]
    [InlineData("CREATE INDEX t_a ON public.t USING btree (a);", null, null)]
    public void Unique_keys_of_one_column_are_read_from_the_post_data(string sql, string? table, string? column) =>
        Assert.Equal(table is null ? null : (table, column!), UniqueKeyStatement.Parse(sql));
}
