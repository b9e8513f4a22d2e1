using Npgsql;
using Replica.Cli;
using Replica.Core.Platforms;
using Replica.Core.Runs;
using Replica.Core.Workflows;

namespace Replica.Tests.Support;

/// <summary>A workspace with workflows wired to the real platforms, as the CLI wires them.</summary>
public sealed class LocalTarget : IAsyncDisposable
{
    public Workspace Workspace { get; } = new();
    public RunStore Store { get; }
    public TargetWorkflows Workflows { get; }

    public LocalTarget()
    {
        var config = Workspace.LoadConfig();
        Store = new RunStore(config.StateDirectory);
        Workflows = new TargetWorkflows(config, Store, new PlatformFactory());
    }

    public static async Task<long> CountAsync(DatabaseEndpoint db, string sql, string? database = null)
    {
        await using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = db.Host, Port = db.Port, Username = db.User, Password = db.Password, Database = database ?? db.Database, Pooling = false,
        }.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public static bool PortAnswers(int port)
    {
        try
        {
            using var s = new System.Net.Sockets.TcpClient();
            s.Connect("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        // Stop whatever a test left running (by the ids replica recorded), then delete the folder.
        foreach (var target in new[] { "staging", "dev" })
        {
            try { await Workflows.StopAsync(target, removeMedia: false, new CollectingProgress(), CancellationToken.None); }
            catch (Exception) { /* best effort: the test already failed or the target was never started */ }
        }
        Workspace.Dispose();
    }
}
