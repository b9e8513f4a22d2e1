using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Cli.Worker;

/// <summary>
/// Everything a worker prints, one whole line per write(2): messages and progress on stderr, the
/// summary on stdout. Under `--json` progress is the protocol's JSON lines (at most one a second,
/// plus each new phase or item); otherwise a line for a person. Once <see cref="Stop"/> has printed
/// the final message nothing else is printed, so a stopped worker leaves no half-written line behind.
/// </summary>
public sealed class WorkerOutput(string command, bool json)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly Stream _stderr = Console.OpenStandardError();
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private string? _lastStage;
    private bool _anyProgress;
    private bool _stopped;

    public bool Json => json;

    /// <summary>`replica worker COMMAND: message` on stderr.</summary>
    public void Message(string message) { lock (_gate) WriteLine(_stderr, $"replica worker {command}: {message}"); }

    /// <summary>A progress report; <paramref name="final"/> is always printed (the last one of a run).</summary>
    public void Progress(WorkerProgress p, bool final = false)
    {
        lock (_gate)
        {
            var stage = p.Phase + "\0" + p.Item;
            if (!final && _anyProgress && stage == _lastStage && _sinceProgress.Elapsed < ProgressInterval) return;
            _anyProgress = true;
            _lastStage = stage;
            _sinceProgress.Restart();
            WriteLine(_stderr, json ? JsonSerializer.Serialize(new WorkerProgressLine(p), WorkerJson.Default.WorkerProgressLine) : Describe(p));
        }
    }

    /// <summary>The summary: the protocol document under `--json`, else <paramref name="text"/>.</summary>
    public void Summary<T>(T document, JsonTypeInfo<T> type, Func<T, string> text)
    {
        lock (_gate) WriteLine(_stdout, json ? JsonSerializer.Serialize(document, type) : text(document));
    }

    /// <summary>The worker's last line (why it stopped); nothing is printed after it.</summary>
    public void Stop(string message)
    {
        lock (_gate)
        {
            WriteLine(_stderr, $"replica worker {command}: {message}");
            _stopped = true;
        }
    }

    private string Describe(WorkerProgress p)
    {
        var done = p.BytesTotal is > 0 ? $"{100.0 * p.BytesDone / p.BytesTotal.Value,5:0.0}%" : $"{p.BytesDone} bytes";
        var files = p.FilesTotal is > 0 ? $" files {p.FilesDone}/{p.FilesTotal}" : "";
        return $"{command}: {done}{files}{(p.Phase is null ? "" : " " + p.Phase)}{(p.Item is null ? "" : " " + p.Item)}";
    }

    /// <summary>Called under the lock: one write of the whole line.</summary>
    private void WriteLine(Stream stream, string line)
    {
        if (_stopped) return;
        stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
        stream.Flush();
    }
}
