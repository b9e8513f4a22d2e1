using System.Diagnostics;

namespace Replica.Image.Tests;

/// <summary>
/// Runs podman with the repository's containers.conf (runtime runc, no rlimits raised), as
/// deploy/image/build does. Every container started through it is removed on dispose.
/// </summary>
public sealed class Podman : IAsyncDisposable
{
    private readonly List<string> _containers = [];

    public static string ConfigFile => Path.Combine(RepoPaths.Root, "deploy", "image", "containers.conf");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n{Stdout}\n{Stderr}";
    }

    /// <param name="env">variables for podman itself: `-e NAME` passes them on without putting a secret on the command line.</param>
    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CONTAINERS_CONF"] = ConfigFile;
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try { await p.WaitForExitAsync(bound.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"podman {string.Join(' ', args)} did not finish in time");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>`podman run` of a named container that this object removes later.</summary>
    public async Task<Result> RunContainerAsync(string name, IEnumerable<string> runArgs, IReadOnlyDictionary<string, string>? env = null)
    {
        lock (_containers) _containers.Add(name);
        return await RunAsync(["run", "--name", name, .. runArgs], env);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _containers)
            await RunAsync(["rm", "--force", "--time", "5", name]);
    }
}

public static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "replica.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("replica.slnx not found above the test assembly");
    }
}
