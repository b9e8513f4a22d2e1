using System.IO.Compression;

namespace Replica.Image.Tests;

/// <summary>
/// What a pg_dumpall file carries, read from the file itself (independently of the restore
/// engine): its databases (each `\connect`, less template1) and the rows of each table's COPY block.
/// </summary>
public sealed record DumpContent(IReadOnlySet<string> Databases, IReadOnlyDictionary<(string Database, string Table), long> Rows)
{
    public static DumpContent Read(string gzippedClusterDump)
    {
        var databases = new SortedSet<string>(StringComparer.Ordinal);
        var rows = new Dictionary<(string, string), long>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gzippedClusterDump), CompressionMode.Decompress));
        string? database = null;
        (string, string)? copying = null;
        while (reader.ReadLine() is { } line)
        {
            if (copying is { } current)
            {
                if (line == "\\.") copying = null;
                else rows[current]++;
                continue;
            }
            if (line.StartsWith("\\connect ", StringComparison.Ordinal))
            {
                database = line["\\connect ".Length..].Trim().Trim('"');
                if (database != "template1") databases.Add(database);
            }
            else if (line.StartsWith("COPY ", StringComparison.Ordinal) && line.EndsWith(" FROM stdin;", StringComparison.Ordinal) && database is not null)
            {
                var table = (database, line.Split(' ')[1]);
                rows[table] = 0;
                copying = table;
            }
        }
        return new DumpContent(databases, rows);
    }
}
