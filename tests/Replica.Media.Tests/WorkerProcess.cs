using System.Diagnostics;

namespace Replica.Media.Tests;

/// <summary>The real `replica worker sync-media`, started as its own process from the test's build output.</summary>
public static class WorkerProcess
{
    public const int Nobody = 65534;

    public static Process Start(string source, string destination, bool json = true, bool asNobody = false, params string[] extra)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var psi = new ProcessStartInfo(asNobody ? "setpriv" : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asNobody)
        {
            // Root reads everything, so "unreadable" can only be tested as another user.
            foreach (var a in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", dotnet }) psi.ArgumentList.Add(a);
        }
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "replica.dll"), "worker", "sync-media", "--source", source, "--dest", destination })
            psi.ArgumentList.Add(a);
        if (json) psi.ArgumentList.Add("--json");
        foreach (var a in extra) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string source, string destination, bool json = true, bool asNobody = false, params string[] extra)
    {
        using var p = Start(source, destination, json, asNobody, extra);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }
}
