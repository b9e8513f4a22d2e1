using Replica.Media;

namespace Replica.Cli.Worker;

/// <summary>A one-line progress bar with ETA on stderr, redrawn in place, for a person at a terminal.</summary>
internal sealed class SyncProgressLine : IProgress<SyncProgress>, IDisposable
{
    private readonly object _gate = new();
    private bool _drawn;

    public void Report(SyncProgress p)
    {
        var fraction = p.BytesTotal > 0 ? Math.Clamp(p.BytesDone / (double)p.BytesTotal, 0, 1) : 1;
        var width = 24;
        var filled = (int)(fraction * width);
        var eta = p.TotalsFinal && p.BytesPerSecond > 0 && p.BytesTotal > p.BytesDone
            ? TimeSpan.FromSeconds((p.BytesTotal - p.BytesDone) / p.BytesPerSecond).ToString(@"h\:mm\:ss")
            : p.TotalsFinal ? "0:00:00" : "…";
        var line = $"[{new string('#', filled)}{new string('.', width - filled)}] {Bytes(p.BytesDone)}/{Bytes(p.BytesTotal)}{(p.TotalsFinal ? "" : "+")} " +
                   $"files {p.FilesDone}/{p.FilesTotal}  {Bytes((long)p.BytesPerSecond)}/s  ETA {eta}";
        lock (_gate)
        {
            Console.Error.Write("\r" + line + "\u001b[K");
            _drawn = true;
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (_drawn) Console.Error.Write("\r\u001b[K");
            _drawn = false;
        }
    }

    public void Dispose() => Finish();

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
