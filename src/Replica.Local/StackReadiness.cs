using System.Diagnostics;
using Replica.Core.Workflows;

namespace Replica.Local;

/// <summary>Polls the stack's ready URL until it answers 2xx, failing early if the process ends.</summary>
internal static class StackReadiness
{
    public static async Task WaitAsync(RunContext run, StackProcess process, string url, TimeSpan timeout, string logFile)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            if (!process.IsAlive)
                throw new ReplicaStepException($"The stack exited before it was ready ({url}); its last output: {Tail(logFile)}");
            try
            {
                using var response = await http.GetAsync(url, run.Cancellation);
                if (response.IsSuccessStatusCode)
                {
                    run.Info($"stack ready: {url} answered {(int)response.StatusCode} after {clock.Elapsed.TotalSeconds:0.0} s");
                    return;
                }
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (TaskCanceledException) when (!run.Cancellation.IsCancellationRequested) { last = "timed out"; }
            await Task.Delay(200, run.Cancellation);
        }
        throw new ReplicaStepException($"The stack was not ready within {timeout.TotalSeconds:0} s ({url}: {last}); raise stack.ready_timeout_seconds or look at {logFile}. Last output: {Tail(logFile)}");
    }

    private static string Tail(string logFile)
    {
        try
        {
            var lines = File.ReadLines(logFile).TakeLast(5).ToList();
            return lines.Count == 0 ? "(none)" : string.Join(" | ", lines);
        }
        catch (IOException) { return "(no log)"; }
    }
}
