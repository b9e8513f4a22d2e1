using System.Threading.Channels;

namespace Replica.Kubernetes.Waiting;

/// <summary>
/// Re-checks a condition whenever a watch reports a change (and once a second, for rules that
/// depend on time such as an unbound claim's grace period), until it is done, stuck or out of time.
/// </summary>
public sealed class ChangeWait
{
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Hand this to the watches.</summary>
    public void Changed() => _changes.Writer.TryWrite(true);

    /// <param name="progress">called when the waiting description changes (for the run log).</param>
    public async Task UntilAsync(Func<WaitCheck> check, Func<Exception?> watchFailure, TimeSpan timeout, string what,
        Action<string>? progress, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        string? last = null;
        WaitCheck.Waiting? lastWaiting = null;
        while (true)
        {
            if (watchFailure() is { } e)
                throw new WaitFailedException($"watching {what} failed ({e.Message.TrimEnd('.')})", null, null);
            switch (check())
            {
                case WaitCheck.Done: return;
                case WaitCheck.Stuck s: throw new WaitFailedException(s.Reason, s.Pod, s.Container);
                case WaitCheck.Waiting w:
                    lastWaiting = w;
                    if (w.Description != last) { last = w.Description; progress?.Invoke(w.Description); }
                    break;
            }
            try
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                tick.CancelAfter(TimeSpan.FromSeconds(1));
                await _changes.Reader.ReadAsync(tick.Token);
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested) { } // the one-second tick
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new WaitFailedException($"{what} was not done within {Describe(timeout)} (last seen: {last ?? "nothing yet"})", lastWaiting?.Pod, lastWaiting?.Container);
            }
        }
    }

    public static string Describe(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{t.TotalHours:0.#} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0} s";
}
