using Replica.Core;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Tests.Support;

namespace Replica.Tests.Workflows;

/// <summary>Developer copies through the whole workflow: a masking profile from replica.yaml, its plan-time gate, and post-restore steps.</summary>
public class LocalMaskingAndAfterRestoreTests
{
    private const string Profile = """

        masking:
          developer:
            key: "a-test-key-of-some-length"
            pii_columns: refuse
            tables:
              public.auth_user:
                email: email
                first_name: first_name
                username: { hash: { length: 16 } }
              public.django_migrations:
                name: keep
        """;

    private static string DevWith(Workspace ws, string extra) =>
        ws.DefaultConfig().Replace("  dev:\n    platform: local", "  dev:\n    platform: local\n    masking: developer" + extra) + Profile;

    [Fact]
    public async Task A_masked_dev_copy_never_holds_the_source_values_and_is_the_same_on_every_refresh()
    {
        await using var t = new LocalTarget();
        t.Workspace.WriteConfig(DevWith(t.Workspace, ""));
        var workflows = new TargetWorkflows(t.Workspace.LoadConfig(), t.Store, new Replica.Cli.PlatformFactory());

        var plan = await workflows.PlanStartAsync(new StartRequest("dev", DbOnly: true), CancellationToken.None);
        Assert.Equal(["email", "first_name", "username", "name"], plan.Masking!.Masked.Select(m => m.Column));

        var first = await workflows.StartAsync(new StartRequest("dev", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.True(first.Status == RunStatus.Succeeded, first.Message);
        var production = await ProductionEmailsAsync(t);
        Assert.Equal(0, await LocalTarget.CountAsync(first.Database!, $"SELECT count(*) FROM auth_user WHERE email IN ({string.Join(",", production.Select(e => $"'{e}'"))})"));
        Assert.Equal(48, await LocalTarget.CountAsync(first.Database!, "SELECT count(DISTINCT email) FROM auth_user WHERE email LIKE '%@example.invalid'"));
        Assert.Contains(t.Store.Log(first.RunId), l => l.Message.Contains("masked 48 values of frag.public.auth_user.email with email"));
        var before = await LocalTarget.CountAsync(first.Database!, "SELECT sum(hashtext(email || username || first_name)) FROM auth_user");

        var second = await workflows.StartAsync(new StartRequest("dev", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.True(second.Status == RunStatus.Succeeded, second.Message);
        Assert.Equal(before, await LocalTarget.CountAsync(second.Database!, "SELECT sum(hashtext(email || username || first_name)) FROM auth_user")); // deterministic
        await workflows.StopAsync("dev", false, new CollectingProgress(), CancellationToken.None);
    }

    [Fact]
    public async Task The_pii_gate_refuses_uncovered_personal_columns_and_a_missing_column_before_anything_changes()
    {
        using var ws = new Workspace();
        ws.WriteConfig(DevWith(ws, "").Replace("        first_name: first_name\n", ""));
        var store = new RunStore(ws.LoadConfig().StateDirectory);
        var workflows = new TargetWorkflows(ws.LoadConfig(), store, new Replica.Cli.PlatformFactory());
        var uncovered = await Assert.ThrowsAsync<RefusedException>(() => workflows.PlanStartAsync(new StartRequest("dev"), CancellationToken.None));
        Assert.Contains("first_name", uncovered.Message);

        ws.WriteConfig(DevWith(ws, "").Replace("        email: email\n", "        email: email\n        phone: email\n"));
        workflows = new TargetWorkflows(ws.LoadConfig(), store, new Replica.Cli.PlatformFactory());
        var missing = await Assert.ThrowsAsync<RefusedException>(() => workflows.StartAsync(new StartRequest("dev"), new CollectingProgress(), CancellationToken.None));
        Assert.Contains("phone", missing.Message);
        Assert.False(store.Exists); // refused before anything was written
    }

    [Fact]
    public void A_profile_on_a_protected_target_or_an_unknown_profile_is_an_error_of_the_file()
    {
        using var ws = new Workspace();
        ws.WriteConfig(ws.DefaultConfig().Replace("    protected: true", "    protected: true\n    masking: developer") + Profile);
        var e = Assert.Throws<ConfigException>(() => ws.LoadConfig());
        Assert.Contains("protected", e.Message);
        Assert.Contains("line", e.Message);
        ws.WriteConfig(DevWith(ws, "").Replace("masking: developer", "masking: nobody"));
        Assert.Contains("nobody", Assert.Throws<ConfigException>(() => ws.LoadConfig()).Message);
    }

    [Fact]
    public async Task After_restore_steps_run_before_the_stack_and_a_failing_one_leaves_the_previous_target_serving()
    {
        await using var t = new LocalTarget();
        var marker = Path.Combine(t.Workspace.Root, "after-restore-env");
        var steps = $$"""

                after_restore:
                  - sql: "UPDATE auth_user SET first_name = 'Fixed' WHERE id = 1"
                    database: frag
                  - command: "echo ran in $PGDATABASE on $PGPORT > {{marker}}; echo done"
            """;
        t.Workspace.WriteConfig(t.Workspace.DefaultConfig().Replace("      ready_timeout_seconds: 60", "      ready_timeout_seconds: 60" + steps));
        var workflows = new TargetWorkflows(t.Workspace.LoadConfig(), t.Store, new Replica.Cli.PlatformFactory());
        var first = await workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.True(first.Status == RunStatus.Succeeded, first.Message);
        Assert.Equal(["create database", "restore database", "after restore 1", "after restore 2", "start stack"], t.Store.Steps(first.RunId).Select(s => s.Name));
        Assert.Equal(1, await LocalTarget.CountAsync(first.Database!, "SELECT count(*) FROM auth_user WHERE id = 1 AND first_name = 'Fixed'"));
        Assert.Equal($"ran in frag on {first.Database!.Port}", File.ReadAllText(marker).Trim());
        Assert.Contains(t.Store.Log(first.RunId), l => l.Message == "| done");

        // A failing step fails the run naming it; the previous copy keeps serving.
        t.Workspace.WriteConfig(File.ReadAllText(t.Workspace.ConfigPath).Replace("echo done", "echo no settings module >&2; exit 4"));
        workflows = new TargetWorkflows(t.Workspace.LoadConfig(), t.Store, new Replica.Cli.PlatformFactory());
        var failed = await workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("exited 4", failed.Message);
        Assert.Contains("no settings module", failed.Message);
        Assert.Equal("failed", t.Store.Steps(failed.RunId).Single(s => s.Name == "after restore 2").Outcome);
        Assert.Contains($"still runs backup", failed.Kept);
        Assert.Equal(1, await LocalTarget.CountAsync(first.Database!, "SELECT count(*) FROM auth_user WHERE first_name = 'Fixed'")); // still serving
    }

    private static async Task<List<string>> ProductionEmailsAsync(LocalTarget t)
    {
        // The sample's e-mails as the dump carries them (read from the backup, never from a restored copy).
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(t.Workspace.Backups, "hourly", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz")), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var text = await reader.ReadToEndAsync();
        var emails = System.Text.RegularExpressions.Regex.Matches(text, @"[\w.+-]+@[\w-]+\.[\w.]+").Select(m => m.Value).Distinct().ToList();
        Assert.True(emails.Count >= 48, $"found {emails.Count} e-mails in the dump");
        return emails;
    }
}
