using Replica.Postgres.Restore;

namespace Replica.Postgres.Tests.Restore;

/// <summary>The password reaches the server and nothing else: not logs, progress, errors, the server log, or ToString.</summary>
[Collection(SourceDumpsCollection.Name)]
public sealed class PasswordSecrecyTests(SourceDumps source)
{
    [Fact]
    public async Task The_password_appears_in_no_output()
    {
        await using var target = await TargetInstance.CreateAsync();
        var output = new List<string>();
        var options = target.Restore(source.Dump("custom", true)) with { Database = "shop_copy" };
        await target.ExecuteAsync("postgres", "CREATE ROLE app LOGIN; CREATE ROLE reader LOGIN; CREATE ROLE analysts NOLOGIN;");
        var report = await new RestoreEngine().RunAsync(options, new ListProgress(output), output.Add, CancellationToken.None);
        output.Add(report.ToString());
        output.Add(options.ToString());
        output.Add(target.Instance.Options.ToString());
        output.Add(target.Instance.ConnectionString().Replace(target.Password, "")); // the connection string is the one place it must be

        // A failing login must not echo the password either.
        var wrong = options with { Password = "wrong-" + target.Password };
        var e = await Assert.ThrowsAsync<RestoreException>(() => new RestoreEngine().RunAsync(wrong, new ListProgress(output), output.Add, CancellationToken.None));
        output.Add(e.ToString());

        await target.Instance.StopAsync(CancellationToken.None);
        output.Add(await File.ReadAllTextAsync(target.Instance.LogFile));

        Assert.NotEmpty(output);
        Assert.All(output, o => Assert.DoesNotContain(target.Password, o));
        Assert.Contains(output, o => o.Contains("password authentication failed"));
    }

    private sealed class ListProgress(List<string> output) : IProgress<RestoreProgress>
    {
        public void Report(RestoreProgress value) { lock (output) output.Add(value.ToString()); }
    }
}
