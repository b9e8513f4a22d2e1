namespace Replica.Server.Tests;

/// <summary>Reads Server-Sent Events as a browser's EventSource parses them.</summary>
public static class SseReader
{
    public sealed record Event(long Id, string Kind, string Data);

    public static async IAsyncEnumerable<Event> ReadAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        long id = 0; string kind = "message"; var data = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0) yield return new Event(id, kind, string.Join("\n", data));
                kind = "message"; data.Clear();
                continue;
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = long.Parse(value); break;
                case "event": kind = value; break;
                case "data": data.Add(value); break;
            }
        }
    }
}
