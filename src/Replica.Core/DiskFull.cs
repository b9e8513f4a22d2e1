namespace Replica.Core;

/// <summary>One sentence for a full volume: which folder, how much is left, what filled it, and the fix.</summary>
public static class DiskFull
{
    public static string Describe(string folder, string what, string cause)
    {
        var free = FreeBytes(folder) is { } f ? $"{Backups.Size.Format(f)} free" : "no free space";
        return $"{char.ToUpperInvariant(what[0])}{what[1..]} {folder} is full ({free}; {cause.TrimEnd('.')}); free space on that volume or move it to a larger one, then run again.";
    }

    /// <summary>Bytes an unprivileged writer may still use on the volume holding <paramref name="folder"/> (its nearest existing ancestor).</summary>
    public static long? FreeBytes(string folder)
    {
        try
        {
            var dir = Path.GetFullPath(folder);
            while (!Directory.Exists(dir)) dir = Path.GetDirectoryName(dir) ?? "/";
            return new DriveInfo(dir).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
