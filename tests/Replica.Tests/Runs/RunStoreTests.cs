using System.Diagnostics;
using Replica.Core;
using Replica.Core.Runs;

namespace Replica.Tests.Runs;

public class RunStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("replica-runs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_busy_target_is_refused_with_the_holding_run_id_until_released()
    {
        var store = new RunStore(_dir);
        var first = store.BeginRun("staging", "start", new Dictionary<string, string?>());
        var e = Assert.Throws<TargetBusyException>(() => store.BeginRun("staging", "stop", new Dictionary<string, string?>()));
        Assert.Contains(first.Id, e.Message);
        Assert.Equal(first.Id, e.RunId);
        // another target is not blocked
        var other = store.BeginRun("dev", "start", new Dictionary<string, string?>());
        store.EndRun(first.Id, RunStatus.Succeeded, null);
        var second = store.BeginRun("staging", "stop", new Dictionary<string, string?>());
        Assert.NotEqual(first.Id, second.Id);
        store.EndRun(second.Id, RunStatus.Succeeded, null);
        store.EndRun(other.Id, RunStatus.Failed, "boom");
        Assert.Equal(RunStatus.Failed, store.FindRun(other.Id)!.Status);
        Assert.Equal(3, store.ListRuns(null).Count);
        Assert.Equal(2, store.ListRuns("staging").Count);
    }

    [Fact]
    public async Task A_crashed_runs_lock_does_not_block_forever()
    {
        var store = new RunStore(_dir);
        // A real process takes the lock and is killed, as a crash would.
        using var holder = Process.Start(new ProcessStartInfo("sleep", "60"))!;
        var run = store.BeginRun("staging", "start", new Dictionary<string, string?>());
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Path}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            var start = Replica.Core.Processes.ProcessIdentity.StartTicksOf(holder.Id);
            cmd.CommandText = $"UPDATE locks SET pid = {holder.Id}, pid_start = {start}; UPDATE runs SET pid = {holder.Id}, pid_start = {start}";
            cmd.ExecuteNonQuery();
        }
        Assert.Throws<TargetBusyException>(() => store.BeginRun("staging", "start", new Dictionary<string, string?>()));
        holder.Kill();
        await holder.WaitForExitAsync();
        var next = store.BeginRun("staging", "start", new Dictionary<string, string?>());
        Assert.Equal(RunStatus.Failed, store.FindRun(run.Id)!.Status);
        Assert.Contains("ended without finishing", store.FindRun(run.Id)!.Message);
        store.EndRun(next.Id, RunStatus.Succeeded, null);
    }

    [Fact]
    public void Steps_and_log_are_kept_in_order()
    {
        var store = new RunStore(_dir);
        var run = store.BeginRun("staging", "start", new Dictionary<string, string?> { ["image_tag"] = "1.2" });
        var s1 = store.BeginStep(run.Id, "stop stack");
        store.AppendLog(run.Id, "info", "first");
        store.EndStep(run.Id, s1, "succeeded", null);
        var s2 = store.BeginStep(run.Id, "create database");
        store.AppendLog(run.Id, "error", "second");
        store.EndStep(run.Id, s2, "failed", "no disk");
        store.EndRun(run.Id, RunStatus.Failed, "no disk");
        Assert.Equal(["stop stack", "create database"], store.Steps(run.Id).Select(s => s.Name));
        Assert.Equal("failed", store.Steps(run.Id)[1].Outcome);
        Assert.Equal(["first", "second"], store.Log(run.Id).Select(l => l.Message));
        Assert.Equal("1.2", store.FindRun(run.Id)!.Parameters["image_tag"]);
    }
}
