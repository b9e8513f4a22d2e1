using System.Text;
using System.Text.Json;

namespace Replica.Kubernetes.Workers;

/// <summary>
/// A worker pod's log: stdout and stderr interleaved, the `--json` summary one JSON object
/// among them. Finds that object, and the worker's last error line for messages.
/// </summary>
public static class WorkerLog
{
    /// <summary>The last top-level JSON object in the log that has <paramref name="requiredKey"/>; null when none.</summary>
    public static JsonElement? LastObject(string log, string requiredKey)
    {
        JsonElement? found = null;
        var bytes = Encoding.UTF8.GetBytes(log);
        var start = 0;
        while (start < bytes.Length)
        {
            var lineEnd = Array.IndexOf(bytes, (byte)'\n', start);
            if (lineEnd < 0) lineEnd = bytes.Length;
            if (start < bytes.Length && bytes[start] == (byte)'{')
            {
                try
                {
                    var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { AllowMultipleValues = true });
                    using var doc = JsonDocument.ParseValue(ref reader);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(requiredKey, out _))
                        found = doc.RootElement.Clone();
                }
                catch (JsonException) { }
            }
            start = lineEnd + 1;
        }
        return found;
    }

    /// <summary>The last line that is not the JSON summary: usually the worker's one-sentence error.</summary>
    public static string? LastMessage(string log) =>
        log.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !l.StartsWith('{') && !l.StartsWith('}'));
}
