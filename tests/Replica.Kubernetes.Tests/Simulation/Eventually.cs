namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>
/// Bounded waiting for tests: polls until a condition holds and fails with a message saying what
/// was awaited and what was last seen. No test asserts on how long anything took.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Reads until <paramref name="done"/> holds; a read that throws (say, 404 before the object exists) counts as not yet.</summary>
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        object? last = null;
        while (true)
        {
            try
            {
                var value = await read();
                if (done(value)) return value;
                last = value;
            }
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
            {
                last = e is k8s.Autorest.HttpOperationException http ? $"{e.Message} {http.Response.Content}" : e.Message;
            }
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
