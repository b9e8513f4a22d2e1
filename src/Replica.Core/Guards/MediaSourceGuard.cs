using Replica.Core.Config;

namespace Replica.Core.Guards;

/// <summary>
/// An empty media backup folder looks exactly like an NFS export that is not mounted; mirroring it
/// would delete every file of the target's media. Refused at plan time, before anything changes.
/// </summary>
public static class MediaSourceGuard
{
    public static void EnsureNotEmpty(VolumeSource source, string mediaLocation, string target)
    {
        if (source.LocalPath is not { } folder || !Directory.Exists(folder)) return; // missing: the sync names it
        bool empty;
        try { empty = !Directory.EnumerateFileSystemEntries(folder).Any(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        if (!empty) return;
        var existing = Directory.Exists(mediaLocation) && Directory.EnumerateFileSystemEntries(mediaLocation).Any();
        if (existing)
            throw new RefusedException($"The media backup folder {folder} is empty (is its volume mounted?), and mirroring it would delete every entry of {target}'s media {mediaLocation}; mount or fix source.media_backup, or pass --allow-media-delete if the media should really be emptied.");
    }
}
