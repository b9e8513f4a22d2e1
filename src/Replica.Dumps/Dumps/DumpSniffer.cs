using System.IO.Compression;
using System.Text;

namespace Replica.Dumps;

/// <summary>Reads the head of a backup file to tell its flavour and compression.</summary>
public static class DumpSniffer
{
    private const int HeadBytes = 64 * 1024;

    /// <exception cref="DumpFormatException">the file is unreadable, empty or not a PostgreSQL dump.</exception>
    public static DumpInfo Inspect(string path)
    {
        byte[] head;
        bool gz;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            var magic = new byte[2];
            int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            if (n == 0) throw new DumpFormatException(path, $"Backup file {path} is empty; choose another backup with --from-backup.");
            gz = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            file.Position = 0;
            using Stream s = gz ? new GZipStream(file, CompressionMode.Decompress) : file;
            head = new byte[HeadBytes];
            int got = s.ReadAtLeast(head, HeadBytes, throwOnEndOfStream: false);
            Array.Resize(ref head, got);
        }
        catch (DumpFormatException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new DumpFormatException(path, $"Backup file {path} cannot be read ({e.Message.TrimEnd('.')}); check the file and its permissions, or choose another backup with --from-backup.");
        }
        return new DumpInfo(Classify(path, head), gz);
    }

    /// <summary>Classifies decompressed leading bytes of a dump.</summary>
    public static DumpFlavour Classify(string path, ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PGDMP"u8)) return DumpFlavour.CustomDump;
        var text = Encoding.UTF8.GetString(head);
        if (text.Contains("-- PostgreSQL database cluster dump", StringComparison.Ordinal)) return DumpFlavour.ClusterDump;
        if (text.Contains("-- PostgreSQL database dump", StringComparison.Ordinal)) return DumpFlavour.DatabaseDump;
        throw new DumpFormatException(path, $"Backup file {path} is not a PostgreSQL dump (no pg_dumpall, pg_dump or custom-format header); choose another backup with --from-backup.");
    }
}

/// <summary>A backup file that cannot be used; the message is one sentence naming the file and the fix.</summary>
public sealed class DumpFormatException(string path, string message) : Exception(message)
{
    public string PathName { get; } = path;
}
