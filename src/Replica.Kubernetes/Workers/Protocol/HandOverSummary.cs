using System.Text.Json.Serialization;

namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>
/// What `replica worker hand-over --json` prints once the restarted server's settings were read and a checkpoint
/// was taken: the settings as the server reports them (SHOW), so the platform checks them itself.
/// </summary>
public sealed record HandOverSummary(string Fsync, string FullPageWrites, string WalLevel, string SynchronousCommit, bool Checkpointed, double Seconds)
{
    /// <summary>The settings a server must run with before anything uses it: what a bulk-load server turns off is on again.</summary>
    [JsonIgnore]
    public bool Durable => Fsync == "on" && FullPageWrites == "on" && WalLevel is "replica" or "logical" && SynchronousCommit != "off";

    /// <summary>"fsync on, full_page_writes on, wal_level replica, synchronous_commit on".</summary>
    public string Describe() => $"fsync {Fsync}, full_page_writes {FullPageWrites}, wal_level {WalLevel}, synchronous_commit {SynchronousCommit}";
}
