using k8s;
using k8s.Models;

namespace Replica.Kubernetes.Waiting;

/// <summary>
/// A controller that cannot create its pod (Pod Security, a quota, an admission webhook) records
/// `FailedCreate` events on its Job or StatefulSet and keeps retrying, so nothing ever shows on a
/// pod. Seen with no pod for longer than the grace period, that is the step's failure, in the
/// event's own words.
/// </summary>
public sealed class CreationFailures(TimeSpan grace)
{
    private readonly Dictionary<string, DateTimeOffset> _since = new(StringComparer.Ordinal);

    /// <param name="kind">Job or StatefulSet (listed objects carry no kind).</param>
    /// <param name="owner">the Job or StatefulSet (its uid tells its events from those of an earlier object of the same name).</param>
    /// <returns>the failure once it lasted the grace period; null while there is none or it may still clear.</returns>
    public string? Find(string kind, IKubernetesObject<V1ObjectMeta> owner, IEnumerable<Corev1Event> events, bool hasPod, DateTimeOffset now)
    {
        var key = owner.Metadata.Uid ?? owner.Metadata.Name;
        var latest = events
            .Where(e => e.Reason == "FailedCreate" && e.InvolvedObject?.Uid == owner.Metadata.Uid)
            .OrderByDescending(e => e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .FirstOrDefault();
        if (hasPod || latest is null)
        {
            _since.Remove(key);
            return null;
        }
        if (!_since.TryGetValue(key, out var since)) _since[key] = since = now;
        return now - since >= grace
            ? $"{kind} {owner.Metadata.Name} cannot create its pod: {latest.Message?.TrimEnd('.')}"
            : null;
    }

    /// <summary>Still waiting on a FailedCreate, for the progress description.</summary>
    public static string? Pending(IKubernetesObject<V1ObjectMeta> owner, IEnumerable<Corev1Event> events) =>
        events.Where(e => e.Reason == "FailedCreate" && e.InvolvedObject?.Uid == owner.Metadata.Uid).Select(e => e.Message).LastOrDefault();
}
