using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// A directory being mirrored: its pair of descriptors (source, destination) and a count of the
/// work still open inside it. A node opens its descriptors only when a worker starts on it and
/// closes them when its last child is done, so open descriptors follow the depth of the walk,
/// not the size of the tree. Its destination metadata is written last, after its contents.
/// </summary>
internal sealed class DirectoryNode
{
    private int _pending = 1; // the node's own listing
    private volatile bool _changed;

    public DirectoryNode(DirectoryNode? parent, byte[]? name, in EntryStat source, bool createDestination)
    {
        Parent = parent;
        Name = name;
        Source = source;
        CreateDestination = createDestination;
    }

    public DirectoryNode? Parent { get; }

    /// <summary>Name in the parent, NUL-terminated; null for the root.</summary>
    public byte[]? Name { get; }

    public EntryStat Source { get; }

    public bool CreateDestination { get; }

    /// <summary>The destination folder's metadata as seen when its parent was compared, if it existed.</summary>
    public EntryStat? DestinationSeen { get; init; }

    /// <summary>
    /// True once an entry was created, replaced or deleted inside the destination folder (which
    /// moves its mtime) or its mode was changed; otherwise <see cref="DestinationSeen"/> is still
    /// current and finishing the folder needs no extra stat.
    /// </summary>
    public bool Changed => _changed;

    /// <summary>
    /// Called before anything is written into the destination folder. Without privileges a
    /// read-only folder is made writable here, only when a write is due, so a no-op run
    /// touches nothing; its own mode is restored when the folder is finished.
    /// </summary>
    public void BeginChange(bool privileged)
    {
        if (_changed) return;
        lock (this)
        {
            if (_changed) return;
            if (!privileged) Descriptors.EnsureWritable(DestinationFd);
            _changed = true;
        }
    }

    public int SourceFd { get; set; } = -1;

    public int DestinationFd { get; set; } = -1;

    public void Retain() => Interlocked.Increment(ref _pending);

    /// <returns>true when this was the last open piece of work, so the caller completes the node.</returns>
    public bool Release() => Interlocked.Decrement(ref _pending) == 0;

    public void CloseDescriptors()
    {
        if (SourceFd >= 0) Libc.close(SourceFd);
        if (DestinationFd >= 0) Libc.close(DestinationFd);
        SourceFd = DestinationFd = -1;
    }

    /// <summary>Path below the roots, as bytes without terminator (empty for the root).</summary>
    public byte[] RelativePath()
    {
        var parts = new List<byte[]>();
        for (var n = this; n?.Name is not null; n = n.Parent) parts.Add(n.Name);
        parts.Reverse();
        var result = new List<byte>();
        foreach (var part in parts)
        {
            if (result.Count > 0) result.Add((byte)'/');
            result.AddRange(EntryName.Bytes(part));
        }
        return result.ToArray();
    }

    public byte[] RelativePath(byte[] child)
    {
        var dir = RelativePath();
        var name = EntryName.Bytes(child);
        if (dir.Length == 0) return name.ToArray();
        var result = new byte[dir.Length + 1 + name.Length];
        dir.CopyTo(result, 0);
        result[dir.Length] = (byte)'/';
        name.CopyTo(result.AsSpan(dir.Length + 1));
        return result;
    }
}
