namespace Replica.Image.Tests;

/// <summary>
/// What building and running the image needs here: root (rootful podman, debootstrap) and the
/// tools .ci/run installs. Outside CI a machine without them skips these tests with the reason;
/// under CI=true they run and fail with it.
/// </summary>
public static class ImagePrerequisites
{
    private static readonly string[] Tools = ["podman", "runc", "debootstrap", "dotnet"];

    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when everything is there; else one sentence naming what is missing and the fix.</summary>
    public static string? Missing { get; } = Check();

    private static string? Check()
    {
        var missing = Tools.Where(t => !OnPath(t)).ToList();
        if (missing.Count > 0)
            return $"the image test needs {string.Join(", ", missing)} on PATH; .ci/run installs podman, runc and debootstrap (apt-get install -y podman runc debootstrap).";
        if (Environment.UserName != "root")
            return "the image test needs root (rootful podman and debootstrap); run it as root, as .ci/run does.";
        return null;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}

/// <summary>A fact that is skipped, with the reason, when the prerequisites are missing outside CI.</summary>
public sealed class ImageFactAttribute : FactAttribute
{
    public ImageFactAttribute()
    {
        if (ImagePrerequisites.Missing is { } why && !ImagePrerequisites.UnderCi) Skip = why;
    }
}
