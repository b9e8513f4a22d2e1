using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Kubernetes.Workers;

/// <summary>
/// A worker pod's log: stdout and stderr interleaved line by line. Under `--json` a worker prints
/// progress lines and, at the end, its summary document, each one line of the worker protocol
/// (<see cref="WorkerJson"/>); every other line is a message for a person.
/// </summary>
public static class WorkerLog
{
    /// <summary>The last line that reads as <typeparamref name="T"/>; null when none does (the worker failed or was stopped).</summary>
    public static T? Summary<T>(string log, JsonTypeInfo<T> type) where T : class
    {
        T? found = null;
        foreach (var line in log.Split('\n'))
            if (Read(line, type) is { } document) found = document;
        return found;
    }

    /// <summary>The progress a line carries; null for any other line.</summary>
    public static WorkerProgress? Progress(string line) => Read(line, WorkerJson.Default.WorkerProgressLine)?.Progress;

    /// <summary>Whether a line is one of the protocol's documents rather than a message.</summary>
    public static bool IsDocument(string line) => line.TrimStart().StartsWith('{');

    /// <summary>The last line that is not a protocol document: usually the worker's one-sentence error.</summary>
    public static string? LastMessage(string log) =>
        log.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !IsDocument(l));

    private static T? Read<T>(string line, JsonTypeInfo<T> type) where T : class
    {
        if (!IsDocument(line)) return null;
        try { return JsonSerializer.Deserialize(line, type); }
        catch (JsonException) { return null; }
    }
}
