using Replica.Postgres.Dumps;
using Replica.Postgres.Restore.Masking;

namespace Replica.Postgres.Tests.Masking;

/// <summary>Plan time: the dump's schema read without restoring, the profile checked against it, the PII drift gate.</summary>
[Collection(PeopleDumpsCollection.Name)]
public sealed class MaskingPlanTests(PeopleDumps people)
{
    private Task<DumpSchema> SchemaAsync(string kind = "database", bool gzip = false) =>
        DumpSchemaReader.ReadAsync(people.Dump(kind, gzip), "people");

    [Theory]
    [InlineData("cluster", false)]
    [InlineData("cluster", true)]
    [InlineData("database", false)]
    [InlineData("database", true)]
    [InlineData("custom", false)]
    [InlineData("custom", true)]
    public async Task The_schema_reader_lists_tables_and_columns_of_every_flavour(string kind, bool gzip)
    {
        var schema = await SchemaAsync(kind, gzip);
        var user = schema.Find("people", "public", "auth_user");
        Assert.NotNull(user);
        Assert.Equal(["id", "email", "first_name", "last_name", "username", "password", "last_login", "birth", "ip_address", "phone", "age"], user.Columns.Select(c => c.Name));
        var email = user.Column("email")!;
        Assert.Equal(("character varying(254)", 254, true, true), (email.Type, email.Length, email.NotNull, email.Unique));
        Assert.Equal(6, user.Column("last_name")!.Length);
        Assert.False(user.Column("last_name")!.NotNull);
        Assert.Equal(ColumnKind.TimestampTz, user.Column("last_login")!.Kind);
        Assert.Equal(ColumnKind.Network, user.Column("ip_address")!.Kind);
        Assert.True(user.Column("id")!.Unique);
        Assert.False(user.Column("phone")!.Unique);
        var code = schema.Find("people", "public", "contact")!.Column("code")!;
        Assert.Equal(("character(8)", 8, true), (code.Type, code.Length, code.Unique));
        Assert.Equal(2, schema.Tables.Count);
    }

    [Fact]
    public async Task A_covered_dump_plans_every_masked_column_with_its_transformer()
    {
        var plan = MaskingPlans.For(PeopleDumps.Profile(), await SchemaAsync("cluster", true), "cluster.dump.gz");
        Assert.False(plan.Refused, plan.Refusal);
        Assert.Empty(plan.UncoveredPii);
        Assert.Equal(12, plan.Masked.Count);
        Assert.Contains(new PlannedMask("people", "public.auth_user", "username", "character varying(20)", "hash (length 16)"), plan.Masked);
        Assert.Contains(new PlannedMask("people", "public.auth_user", "last_login", "timestamp with time zone", "noise_date (30d)"), plan.Masked);
    }

    [Fact]
    public async Task The_PII_gate_refuses_an_uncovered_phone_column_and_passes_once_it_is_covered()
    {
        var schema = await SchemaAsync("custom");
        var without = PeopleDumps.Profile(t => ((Dictionary<string, TransformerSpec>)t["public.auth_user"]).Remove("phone"));
        var plan = MaskingPlans.For(without, schema, "custom.dump");
        Assert.True(plan.Refused);
        var pii = Assert.Single(plan.UncoveredPii);
        Assert.Equal(("public.auth_user", "phone", "its name has 'phone'"), (pii.Table, pii.Column, pii.Reason));
        Assert.Equal("The masking profile developer does not cover 1 column(s) that look personal (public.auth_user.phone); mask them, or mark them keep in the profile, or set pii_columns: warn.", plan.Refusal);

        var warn = new MaskingProfile(PeopleDumps.Key, without.Rules.GroupBy(r => r.TableName)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, TransformerSpec>)g.ToDictionary(r => r.Column, r => r.Spec)), PiiPolicy.Warn);
        Assert.False(MaskingPlans.For(warn, schema, "custom.dump").Refused);
        Assert.Single(MaskingPlans.For(warn, schema, "custom.dump").UncoveredPii);

        var kept = PeopleDumps.Profile(t => ((Dictionary<string, TransformerSpec>)t["public.auth_user"])["phone"] = new("keep"));
        var covered = MaskingPlans.For(kept, schema, "custom.dump");
        Assert.False(covered.Refused, covered.Refusal);
        Assert.Empty(covered.UncoveredPii);
    }

    [Fact]
    public async Task A_profile_naming_a_table_or_column_the_dump_lacks_is_refused_naming_it()
    {
        var schema = await SchemaAsync();
        var plan = MaskingPlans.For(PeopleDumps.Profile(t =>
        {
            ((Dictionary<string, TransformerSpec>)t["public.auth_user"])["emial"] = new("email");
            t["public.auth_usr"] = new Dictionary<string, TransformerSpec> { ["email"] = new("email") };
        }), schema, "database.dump");
        Assert.True(plan.Refused);
        Assert.Contains("The masking profile developer names column public.auth_user.emial, which table public.auth_user (database people) in backup database.dump does not have; fix the column's name or remove it from the profile.", plan.Errors);
        Assert.Contains("The masking profile developer names table public.auth_usr, which backup database.dump does not have; fix the table's name or remove it from the profile.", plan.Errors);
    }

    [Theory]
    [InlineData("public.contact", "code", "hash(length=8)", "the column is unique and 8 hex digits could give two values the same hash; set length to 16 or more (the column is too short: use email or keep)")]
    [InlineData("public.contact", "code", "hash", "the column is unique and 8 hex digits could give two values the same hash")]
    [InlineData("public.auth_user", "username", "hash(length=21)", "hash's length 21 is longer than the column allows (character varying(20)); set length to 20 or less")]
    [InlineData("public.auth_user", "age", "null_value", "the column is NOT NULL; use constant or hash instead of null_value")]
    [InlineData("public.auth_user", "last_name", "constant: Jonathan", "the constant \"Jonathan\" is longer than the column allows (character varying(6))")]
    [InlineData("public.auth_user", "last_name", "email", "email writes 33 characters but the column holds at most 6")]
    [InlineData("public.auth_user", "age", "hash", "hash writes text but the column is integer")]
    [InlineData("public.auth_user", "email", "noise_int: 4", "noise_int moves integers but the column is character varying(254)")]
    [InlineData("public.auth_user", "birth", "noise_date: 3h", "the column is a date and noise_date's range 3h is less than a day")]
    public async Task A_transformer_that_cannot_write_a_column_is_refused_up_front(string table, string column, string spec, string why)
    {
        var plan = MaskingPlans.For(PeopleDumps.Profile(t =>
        {
            if (!t.ContainsKey(table)) t[table] = new Dictionary<string, TransformerSpec>();
            ((Dictionary<string, TransformerSpec>)t[table])[column] = TransformerSpec.Parse(spec);
        }), await SchemaAsync(), "database.dump");
        var error = Assert.Single(plan.Errors);
        Assert.StartsWith($"The masking profile developer cannot mask {table}.{column} (database people) with ", error);
        Assert.Contains(why, error);
    }
}
