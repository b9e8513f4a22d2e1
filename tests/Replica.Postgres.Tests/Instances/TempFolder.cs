namespace Replica.Postgres.Tests.Instances;

/// <summary>A fresh folder under /var/tmp (traversable by the postgres account), removed on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("replica-pgtest-").FullName;

    public TempFolder()
    {
        // Other accounts (postgres, when tests run as root) must be able to enter it.
        File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
    }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
