namespace Replica.Media.Tree;

/// <summary>What an entry is, as far as a mirror cares.</summary>
internal enum EntryKind : byte
{
    Unknown,
    File,
    Directory,
    Symlink,
    /// <summary>fifo, socket or device: never copied, only counted and named in a warning.</summary>
    Other,
}
