using System.Diagnostics;
using Replica.Core.Backups;
using Replica.Core.Progress;

namespace Replica.Cli.Output;

/// <summary>
/// Shows a run as it happens: in a terminal, step lines plus one live line (bar, bytes,
/// files, rate, ETA) rewritten in place; otherwise plain timestamped lines, with progress
/// at most every few seconds so logs stay readable.
/// </summary>
public sealed class ConsoleProgress : IRunProgress
{
    private readonly TextWriter _out;
    private readonly bool _live;
    private readonly bool _verbose;
    private readonly object _gate = new();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private readonly Dictionary<string, Stopwatch> _steps = [];
    private bool _lineShown;

    public ConsoleProgress(TextWriter output, bool live, bool verbose = false)
    {
        _out = output;
        _live = live;
        _verbose = verbose;
    }

    public static ConsoleProgress ForConsole(bool verbose = false) =>
        new(Console.Out, live: !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb"), verbose);

    public void StepStarted(string step)
    {
        lock (_gate)
        {
            _steps[step] = Stopwatch.StartNew();
            Line(_live ? $"▸ {step}" : $"{Stamp()} {step}: started");
        }
    }

    public void StepFinished(string step, StepOutcome outcome, string? message)
    {
        lock (_gate)
        {
            var took = _steps.TryGetValue(step, out var sw) ? $" in {Seconds(sw.Elapsed.TotalSeconds)}" : "";
            var text = outcome switch
            {
                StepOutcome.Succeeded => $"{step}: done{took}",
                StepOutcome.Skipped => $"{step}: skipped",
                _ => $"{step}: {outcome.ToString().ToLowerInvariant()}{took}{(message is null ? "" : " — " + message)}",
            };
            Line(_live ? $"  {(outcome == StepOutcome.Succeeded ? "✓" : "✗")} {text}" : $"{Stamp()} {text}");
        }
    }

    public void Log(LogLevel level, string message)
    {
        if (level == LogLevel.Debug && !_verbose) return;
        lock (_gate)
        {
            var prefix = level switch { LogLevel.Warning => "warning: ", LogLevel.Error => "error: ", _ => "" };
            Line(_live ? $"  {prefix}{message}" : $"{Stamp()} {prefix}{message}");
        }
    }

    public void Report(ProgressUpdate u)
    {
        lock (_gate)
        {
            if (_sinceDraw.Elapsed < TimeSpan.FromMilliseconds(_live ? 100 : 5000)) return;
            _sinceDraw.Restart();
            var text = Describe(u);
            if (_live)
            {
                var width = Console.IsOutputRedirected ? 120 : Math.Max(40, Console.WindowWidth - 1);
                _out.Write("\r\x1b[2K" + (text.Length > width ? text[..width] : text));
                _out.Flush();
                _lineShown = true;
            }
            else
            {
                _out.WriteLine($"{Stamp()} {u.Step}: {text.Trim()}");
            }
        }
    }

    /// <summary>Clears the live line so a summary can follow.</summary>
    public void Finish()
    {
        lock (_gate) ClearLive();
    }

    private static string Describe(ProgressUpdate u)
    {
        var parts = new List<string>();
        double? fraction = u.BytesTotal is > 0 ? (double)u.BytesDone / u.BytesTotal.Value
            : u.FilesTotal is > 0 ? (double)u.FilesDone / u.FilesTotal.Value : null;
        if (fraction is { } f)
        {
            const int width = 20;
            var filled = (int)Math.Round(Math.Clamp(f, 0, 1) * width);
            parts.Add($"[{new string('#', filled)}{new string('-', width - filled)}] {f * 100,3:0}%");
        }
        if (u.Phase is not null) parts.Add(u.Phase);
        if (u.BytesDone > 0 || u.BytesTotal is not null)
            parts.Add(u.BytesTotal is { } bt ? $"{Size.Format(u.BytesDone)} of {Size.Format(bt)}" : Size.Format(u.BytesDone));
        if (u.FilesDone > 0 || u.FilesTotal is not null)
            parts.Add(u.FilesTotal is { } ft ? $"{u.FilesDone:N0} of {ft:N0} files" : $"{u.FilesDone:N0} files");
        if (u.BytesPerSecond > 0)
        {
            parts.Add($"{Size.Format((long)u.BytesPerSecond)}/s");
            if (u.BytesTotal is { } total && total > u.BytesDone)
                parts.Add($"ETA {Seconds((total - u.BytesDone) / u.BytesPerSecond)}");
        }
        if (u.Item is not null) parts.Add(u.Item);
        return "  " + string.Join("  ", parts);
    }

    public static string Seconds(double s) =>
        s < 60 ? $"{s:0.0} s" : s < 3600 ? $"{(int)s / 60} min {(int)s % 60:00} s" : $"{(int)s / 3600} h {(int)s % 3600 / 60:00} min";

    private void Line(string text)
    {
        ClearLive();
        _out.WriteLine(text);
        _out.Flush();
    }

    private void ClearLive()
    {
        if (!_lineShown) return;
        _out.Write("\r\x1b[2K");
        _lineShown = false;
    }

    private static string Stamp() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
