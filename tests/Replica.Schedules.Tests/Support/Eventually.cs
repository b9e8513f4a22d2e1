namespace Replica.Schedules.Tests.Support;

/// <summary>Waits for something another thread does (a run to end, a fire to be recorded); the limit only turns a hang into a failure.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<T?> probe, string what, int seconds = 120) where T : class
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(seconds); DateTime.UtcNow < deadline; await Task.Delay(50))
            if (probe() is { } v) return v;
        throw new TimeoutException($"{what} did not happen within {seconds} s");
    }

    public static async Task TrueAsync(Func<bool> probe, string what, int seconds = 120) =>
        await GetAsync(() => probe() ? "" : null, what, seconds);
}
