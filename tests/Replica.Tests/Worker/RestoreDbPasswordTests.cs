using System.Text.Json;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Tests.Worker;

/// <summary>
/// `replica worker restore-db` takes its password as libpq tools do: PGPASSWORD, else PGPASSFILE or
/// ~/.pgpass, else none (a server that trusts the role). Against a real server started here.
/// </summary>
public sealed class RestoreDbPasswordTests(WorkerServer db) : IClassFixture<WorkerServer>
{
    private string Home(string? pgpass = null)
    {
        var home = Directory.CreateTempSubdirectory("replica-home-").FullName;
        if (pgpass is not null) WritePassFile(Path.Combine(home, ".pgpass"), pgpass);
        return home;
    }

    private static void WritePassFile(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // libpq ignores a pgpass others can read
    }

    private async Task<(int ExitCode, string Stdout, IReadOnlyList<string> Stderr)> RestoreAsync(string user, string database, Dictionary<string, string> env) =>
        await WorkerRun.RunAsync(env, "restore-db", "--backup", db.WriteDump($"{database}.sql", rows: 5), "--host", "127.0.0.1",
            "--port", db.Port.ToString(), "--user", user, "--database", database, "--json");

    private async Task AssertRestoredAsync((int ExitCode, string Stdout, IReadOnlyList<string> Stderr) run, string database)
    {
        Assert.True(run.ExitCode == 0, string.Join('\n', run.Stderr));
        var summary = JsonSerializer.Deserialize(run.Stdout, WorkerJson.Default.RestoreDbSummary)!;
        Assert.Equal((5L, true), (summary.Rows, summary.Verified));
        Assert.Equal(5L, await db.ScalarAsync<long>(database, "SELECT count(*) FROM public.items"));
    }

    [Fact]
    public async Task Without_any_password_it_restores_into_a_server_that_trusts_the_role()
    {
        var run = await RestoreAsync(WorkerServer.Trusted, "trusted_db", new() { ["HOME"] = Home() });
        await AssertRestoredAsync(run, "trusted_db");
    }

    [Fact]
    public async Task The_password_comes_from_the_file_named_by_PGPASSFILE()
    {
        var file = Path.Combine(Home(), "passwords");
        WritePassFile(file, $"127.0.0.1:{db.Port}:*:{WorkerServer.WithPassword}:{db.RolePassword}\n");
        var run = await RestoreAsync(WorkerServer.WithPassword, "passfile_db", new() { ["HOME"] = Home(), ["PGPASSFILE"] = file });
        await AssertRestoredAsync(run, "passfile_db");
        Assert.DoesNotContain(run.Stderr, l => l.Contains(db.RolePassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_password_comes_from_the_home_folders_pgpass()
    {
        var home = Home($"*:*:*:{WorkerServer.WithPassword}:{db.RolePassword}\n");
        var run = await RestoreAsync(WorkerServer.WithPassword, "pgpass_db", new() { ["HOME"] = home });
        await AssertRestoredAsync(run, "pgpass_db");
    }

    [Fact]
    public async Task PGPASSWORD_comes_before_a_pgpass_file()
    {
        var home = Home($"*:*:*:{WorkerServer.WithPassword}:wrong-password\n");
        var run = await RestoreAsync(WorkerServer.WithPassword, "env_db", new() { ["HOME"] = home, ["PGPASSWORD"] = db.RolePassword });
        await AssertRestoredAsync(run, "env_db");
    }

    [Fact]
    public async Task With_no_password_for_a_role_that_needs_one_the_restore_fails_in_one_line()
    {
        var run = await RestoreAsync(WorkerServer.WithPassword, "refused_db", new() { ["HOME"] = Home() });
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var last = run.Stderr[^1];
        Assert.StartsWith("replica worker restore-db: Cannot connect to database", last);
        Assert.Contains("password", last, StringComparison.OrdinalIgnoreCase);
    }
}
