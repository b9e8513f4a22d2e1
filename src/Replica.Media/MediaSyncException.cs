namespace Replica.Media;

/// <summary>A sync that failed or was refused; the message is one sentence naming the path and the fix.</summary>
public class MediaSyncException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The paths given cannot be mirrored (missing source, destination equal to, inside or containing
/// the source): a usage error, reported before anything is written.
/// </summary>
public class MediaPathRefusedException(string message) : MediaSyncException(message);

/// <summary>The destination ran out of space; the temporary file of the copy in progress was removed.</summary>
public sealed class MediaDiskFullException(string message, long bytesNeeded) : MediaSyncException(message)
{
    /// <summary>Bytes still to be copied when the space ran out (at least this many, if the walk had not finished).</summary>
    public long BytesNeeded { get; } = bytesNeeded;
}
