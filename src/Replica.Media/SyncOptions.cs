namespace Replica.Media;

/// <summary>How <see cref="MediaSync"/> compares and how many entries it works on at once.</summary>
public sealed record SyncOptions
{
    /// <summary>Compare file contents instead of size and mtime (reads both trees in full).</summary>
    public bool Checksum { get; init; }

    /// <summary>Entries handled at once (directories listed, files copied); 0 picks a value for the machine.</summary>
    public int Parallelism { get; init; }

    /// <summary>Copy owner and group, as rsync -a does; only a privileged process can.</summary>
    public bool PreserveOwner { get; init; } = Environment.IsPrivilegedProcess;

    /// <summary>
    /// Refuse, before anything changes, a mirror that would delete more than this share (0 to 100)
    /// of the destination's entries, like rsync's --max-delete; null sets no limit. An empty or new
    /// destination is never refused.
    /// </summary>
    public int? MaxDeletePercent
    {
        get;
        init => field = value is null or (>= 0 and <= 100) ? value : throw new ArgumentOutOfRangeException(nameof(MaxDeletePercent), value, "a percentage from 0 to 100");
    }

    /// <summary>
    /// Let an empty source empty a destination that holds entries. Off by default: an NFS export
    /// that is not mounted looks exactly like an empty folder.
    /// </summary>
    public bool AllowEmptySource { get; init; }

    /// <summary>The parallelism actually used.</summary>
    /// <remarks>
    /// Most time goes to waiting on the kernel, the disk or the network (stat round trips on NFS,
    /// inode reads on a cold cache), not to our own CPU, so many entries per core pay off: on a
    /// 2-core VM with a cold cache, 16 workers walked a no-op tree about 20 % faster than 8.
    /// </remarks>
    public int EffectiveParallelism => Parallelism > 0 ? Parallelism : Math.Clamp(Environment.ProcessorCount * 8, 16, 64);
}
