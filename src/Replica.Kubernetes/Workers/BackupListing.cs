using System.Globalization;
using System.Text.Json;
using Replica.Core.Backups;
using Replica.Postgres.Dumps;

namespace Replica.Kubernetes.Workers;

/// <summary>
/// The wire form of `replica worker list-backups --json`: one object
/// <c>{"backups": [{name, relative_path, kinds, time, size_bytes, flavour, gzipped}]}</c>, newest first.
/// Paths are relative to the listed root, so the platform can place them under any mount path.
/// </summary>
public static class BackupListing
{
    public static string Write(string root, IEnumerable<Backup> backups)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("backups");
            foreach (var b in backups)
            {
                w.WriteStartObject();
                w.WriteString("name", b.Name);
                w.WriteString("relative_path", Path.GetRelativePath(root, b.Path).Replace('\\', '/'));
                w.WriteStartArray("kinds");
                foreach (var k in b.Kinds) w.WriteStringValue(k);
                w.WriteEndArray();
                w.WriteString("time", b.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                w.WriteNumber("size_bytes", b.SizeBytes);
                if (b.Dump is { } d)
                {
                    w.WriteString("flavour", d.Flavour.ToWire());
                    w.WriteBoolean("gzipped", d.Gzipped);
                }
                else w.WriteNull("flavour");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The backups with paths under <paramref name="mountPath"/>, as the Jobs that mount the same volume see them.</summary>
    public static IReadOnlyList<Backup> Read(JsonElement o, string mountPath)
    {
        var list = new List<Backup>();
        foreach (var b in o.GetProperty("backups").EnumerateArray())
        {
            var relative = b.GetProperty("relative_path").GetString()!;
            var kinds = b.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!).ToList();
            var time = DateTimeOffset.Parse(b.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            DumpInfo? dump = null;
            if (b.TryGetProperty("flavour", out var f) && f.ValueKind == JsonValueKind.String && Flavour(f.GetString()!) is { } flavour)
                dump = new DumpInfo(flavour, b.TryGetProperty("gzipped", out var g) && g.ValueKind == JsonValueKind.True);
            list.Add(new Backup(b.GetProperty("name").GetString()!, time, mountPath.TrimEnd('/') + "/" + relative, kinds,
                b.GetProperty("size_bytes").GetInt64(), dump));
        }
        return list;
    }

    private static DumpFlavour? Flavour(string wire) =>
        Enum.GetValues<DumpFlavour>().Cast<DumpFlavour?>().FirstOrDefault(f => f!.Value.ToWire() == wire);
}
