namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// Bounded waiting for tests: polls until a condition holds and fails with a message saying what
/// was awaited and what was last seen. No test asserts on how long anything took.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        T last;
        while (true)
        {
            last = await read();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0}s waiting for {what}; last seen: {Describe(last)}");
    }

    public static Task True(Func<Task<bool>> check, string what, TimeSpan? timeout = null) =>
        Get(check, ok => ok, what, timeout);

    private static string Describe(object? value) => value switch
    {
        null => "null",
        k8s.IKubernetesObject obj => k8s.KubernetesJson.Serialize(obj),
        _ => value.ToString() ?? "",
    };
}
