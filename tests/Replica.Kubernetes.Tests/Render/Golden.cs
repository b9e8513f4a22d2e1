using Xunit;
using System.Runtime.CompilerServices;

namespace Replica.Kubernetes.Tests.Render;

/// <summary>
/// Compares text with a file in golden/ beside this source file. Set REPLICA_UPDATE_GOLDEN=1 to
/// rewrite the files from the current output (then review the diff before committing).
/// </summary>
public static class Golden
{
    public static void Matches(string name, string actual, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "golden", name);
        if (Environment.GetEnvironmentVariable("REPLICA_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with REPLICA_UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.Equal(expected, actual);
    }
}
