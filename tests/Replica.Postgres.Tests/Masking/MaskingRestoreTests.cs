using System.Text.RegularExpressions;
using Replica.Postgres.Restore;
using Replica.Postgres.Restore.Masking;
using Replica.Postgres.Tests.Restore;

namespace Replica.Postgres.Tests.Masking;

/// <summary>Restores of the people dumps with a masking profile, checked value by value against the source server.</summary>
[Collection(PeopleDumpsCollection.Name)]
public sealed class MaskingRestoreTests(PeopleDumps people)
{
    private const string AuthUser = "SELECT id, email, first_name, last_name, username, password, last_login, birth, ip_address::text, phone, age FROM public.auth_user ORDER BY id";
    private const string Contact = "SELECT id, email, nickname, note, code FROM public.contact ORDER BY id";

    private static readonly Regex Email = new("^u[0-9a-f]{16}@example\\.invalid$");
    private static readonly Regex Hex = new("^[0-9a-f]+$");

    internal static async Task<(TargetInstance Target, string Database, RestoreReport Report)> RestoreAsync(PeopleDumps people, string kind, bool gzip, MaskingProfile profile, bool binary = true)
    {
        var target = await TargetInstance.CreateAsync();
        try
        {
            var database = kind == "cluster" ? "people" : "people_copy";
            var options = target.Restore(people.Dump(kind, gzip)) with { Database = kind == "cluster" ? null : database, Masking = profile, BinaryCopy = binary };
            var report = await new RestoreEngine().RunAsync(options, null, null, CancellationToken.None);
            return (target, database, report);
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    [Theory]
    [InlineData("cluster", false, true)]
    [InlineData("cluster", true, false)]
    [InlineData("database", true, true)]
    [InlineData("database", false, false)]
    [InlineData("custom", false, true)]
    [InlineData("custom", true, false)]
    public async Task Every_transformer_masks_its_column_in_each_dump_flavour_and_COPY_path(string kind, bool gzip, bool binary)
    {
        var (target, database, report) = await RestoreAsync(people, kind, gzip, PeopleDumps.Profile(), binary);
        await using var _ = target;
        Assert.True(report.Verified);

        var source = (await PeopleDumps.RowsAsync(people.Source, "people", AuthUser)).ToDictionary(r => (int)r[0]!);
        var masked = await PeopleDumps.RowsAsync(target.Instance, database, AuthUser);
        Assert.Equal(2000, masked.Count);
        var sourceEmails = source.Values.Select(r => (string)r[1]!).ToHashSet();
        foreach (var row in masked)
        {
            var s = source[(int)row[0]!];
            Assert.Matches(Email, (string)row[1]!);
            Assert.DoesNotContain((string)row[1]!, sourceEmails);
            Assert.DoesNotMatch("^(Given|Tab)", (string)row[2]!);
            if (s[3] is null) Assert.Null(row[3]);
            else Assert.True(((string)row[3]!).Length is > 0 and <= 6 && !((string)row[3]!).StartsWith("Fam"), $"last_name {row[3]}");
            Assert.Matches(Hex, (string)row[4]!);
            Assert.Equal(16, ((string)row[4]!).Length);
            Assert.Equal("!", row[5]);
            if (s[6] is null) Assert.Null(row[6]);
            else
            {
                var shift = (DateTime)row[6]! - (DateTime)s[6]!;
                Assert.InRange(Math.Abs(shift.TotalSeconds), 1, 30 * 86400);
                Assert.Equal(0, shift.Ticks % TimeSpan.TicksPerSecond); // the fraction is kept
            }
            if (s[7] is null) Assert.Null(row[7]);
            else Assert.InRange(Math.Abs(((DateOnly)row[7]!).DayNumber - ((DateOnly)s[7]!).DayNumber), 1, 400);
            Assert.Null(row[8]);
            if (s[9] is null) Assert.Null(row[9]);
            else { Assert.Matches(Hex, (string)row[9]!); Assert.Equal(10, ((string)row[9]!).Length); }
            Assert.InRange(Math.Abs((int)row[10]! - (int)s[10]!), 1, 3);
        }
        Assert.Equal(2000, masked.Select(r => r[1]).Distinct().Count());
        Assert.Equal(2000, masked.Select(r => r[4]).Distinct().Count());

        var sourceContacts = (await PeopleDumps.RowsAsync(people.Source, "people", Contact)).ToDictionary(r => (long)r[0]!);
        var contacts = await PeopleDumps.RowsAsync(target.Instance, database, Contact);
        Assert.Equal(3000, contacts.Count);
        foreach (var row in contacts)
        {
            var s = sourceContacts[(long)row[0]!];
            if (s[1] is null) Assert.Null(row[1]);
            else Assert.Matches(Email, (string)row[1]!);
            Assert.Matches(Hex, (string)row[2]!);
            Assert.Equal(32, ((string)row[2]!).Length);
            Assert.Equal(s[3], row[3]);
            Assert.Equal(s[4], row[4]);
        }
        Assert.Equal(2250, contacts.Where(r => r[1] is not null).Select(r => r[1]).Distinct().Count());

        // The unique keys on the masked columns were built after the load: distinct inputs stayed distinct.
        Assert.Equal("2", await Fingerprint.ScalarAsync(target.Instance, database, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.auth_user'::regclass AND contype = 'u'"));

        var counts = report.Masked.ToDictionary(m => $"{m.Table}.{m.Column}");
        Assert.Equal(12, counts.Count);
        Assert.All(report.Masked, m => Assert.Equal(database, m.Database));
        Assert.Equal(2000, counts["public.auth_user.email"].Values);
        Assert.Equal(2000 - 2000 / 7, counts["public.auth_user.last_name"].Values);
        Assert.Equal(2000 - 2000 / 5, counts["public.auth_user.last_login"].Values);
        Assert.Equal(2000, counts["public.auth_user.ip_address"].Values);
        Assert.Equal(2250, counts["public.contact.email"].Values);
        Assert.Equal("hash (length 16)", counts["public.auth_user.username"].Transformer);
        Assert.True(counts["public.auth_user.email"].Verified);
        Assert.True(counts["public.contact.nickname"].Verified);
        Assert.False(counts["public.auth_user.last_login"].Verified);
    }

    [Fact]
    public async Task The_same_key_gives_the_same_masked_data_on_every_refresh_and_another_key_other_data()
    {
        const string Digest = "SELECT md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM {0} t";
        var (first, db1, _) = await RestoreAsync(people, "cluster", true, PeopleDumps.Profile(), binary: true);
        await using var a = first;
        var (second, db2, _) = await RestoreAsync(people, "custom", false, PeopleDumps.Profile(), binary: false);
        await using var b = second;
        foreach (var table in new[] { "public.auth_user", "public.contact" })
            Assert.Equal(await Fingerprint.ScalarAsync(first.Instance, db1, string.Format(Digest, table)), await Fingerprint.ScalarAsync(second.Instance, db2, string.Format(Digest, table)));

        var otherKey = new MaskingProfile("another-key-0123456789abcdef", PeopleDumps.Tables(), PiiPolicy.Refuse, "developer");
        var (third, db3, _) = await RestoreAsync(people, "database", false, otherKey);
        await using var c = third;
        Assert.NotEqual(await Fingerprint.ScalarAsync(first.Instance, db1, "SELECT email FROM public.auth_user WHERE id = 1"),
            await Fingerprint.ScalarAsync(third.Instance, db3, "SELECT email FROM public.auth_user WHERE id = 1"));
    }

    [Theory]
    [InlineData("public.auth_user.email", true)]    // COPY text
    [InlineData("public.contact.nickname", true)]   // COPY binary
    [InlineData("public.auth_user.first_name", false)]
    [InlineData("public.contact.tag", true)]        // char(4), mostly padded: read back with its padding, as the dump wrote it
    public async Task The_verification_fails_the_restore_when_a_masked_column_leaks_a_source_value(string column, bool binary)
    {
        var tables = PeopleDumps.Tables();
        ((Dictionary<string, TransformerSpec>)tables["public.contact"])["tag"] = new("hash");
        var profile = new MaskingProfile(PeopleDumps.Key, tables, PiiPolicy.Refuse, "developer") { BypassForTests = new HashSet<string> { column } };
        var e = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(people, "database", false, profile, binary));
        Assert.StartsWith($"Masking verification failed: column {column} in database people_copy holds ", e.Message);
        Assert.Contains("developer", e.Message);
    }

    [Fact]
    public async Task A_restore_refuses_an_uncovered_personal_column_before_sending_its_table()
    {
        var profile = PeopleDumps.Profile(t => ((Dictionary<string, TransformerSpec>)t["public.auth_user"]).Remove("phone"));
        var e = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(people, "custom", true, profile));
        Assert.Contains("(database people_copy: public.auth_user.phone)", e.Message);
        Assert.Contains("mark them keep", e.Message);
    }

    [Fact]
    public async Task A_restore_refuses_a_profile_column_the_table_lacks()
    {
        var profile = PeopleDumps.Profile(t => ((Dictionary<string, TransformerSpec>)t["public.contact"])["nick_name"] = new("hash"));
        var e = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(people, "cluster", false, profile));
        Assert.Contains("names column public.contact.nick_name, which that table in database people does not have", e.Message);
    }

    [Fact]
    public async Task A_database_qualified_table_applies_in_that_database_only()
    {
        var tables = PeopleDumps.Tables();
        tables["people.public.contact"] = new Dictionary<string, TransformerSpec> { ["note"] = new("constant", "masked") };
        var (target, database, report) = await RestoreAsync(people, "cluster", false, new MaskingProfile(PeopleDumps.Key, tables, PiiPolicy.Refuse));
        await using var _ = target;
        Assert.Equal("masked", await Fingerprint.ScalarAsync(target.Instance, database, "SELECT DISTINCT note FROM public.contact"));
        Assert.Equal(3000, report.Masked.Single(m => m.Column == "note").Values);
        // The two-part rules of the same table still apply beside it.
        Assert.Equal(2250, report.Masked.Single(m => m is { Table: "public.contact", Column: "email" }).Values);
    }
}
