namespace Replica.Server.Notifications;

/// <summary>
/// How hard a notification is pushed: retries with exponential backoff (jittered) from
/// <see cref="FirstDelay"/>, each attempt limited to <see cref="AttemptTimeout"/>, the whole
/// delivery to <see cref="TotalTimeout"/>. The run never waits for any of it.
/// </summary>
public sealed record DeliveryOptions(int MaxRetries = 6, TimeSpan? FirstDelay = null, TimeSpan? AttemptTimeout = null, TimeSpan? TotalTimeout = null)
{
    public TimeSpan Delay => FirstDelay ?? TimeSpan.FromSeconds(2);
    public TimeSpan Attempt => AttemptTimeout ?? TimeSpan.FromSeconds(10);
    public TimeSpan Total => TotalTimeout ?? TimeSpan.FromMinutes(5);
}
