using System.Diagnostics;

namespace Replica.Image.Tests;

/// <summary>
/// The replica image as `deploy/image/build image-test` makes it (its Debian base is cached, so
/// only a fresh machine pays for debootstrap). Built once for the test class.
/// </summary>
public sealed class BuiltImage : IAsyncLifetime
{
    public const string Tag = "image-test";
    public string Reference { get; private set; } = "";
    public string BuildLog { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (ImagePrerequisites.Missing is { } why) throw new InvalidOperationException(why);
        var psi = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "deploy", "image", "build"), Tag)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await p.WaitForExitAsync(bound.Token);
        BuildLog = await stderr;
        if (p.ExitCode != 0) throw new InvalidOperationException($"deploy/image/build failed (exit {p.ExitCode}):\n{BuildLog}");
        Reference = (await stdout).Trim();
    }

    public Task DisposeAsync() => Task.CompletedTask; // the image stays: the next build reuses its base
}
