using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>One regular file to write into the destination; <see cref="Replaces"/> says whether an entry is already there.</summary>
internal readonly record struct CopyJob(DirectoryNode Directory, byte[] Name, EntryStat Source, bool Replaces);
