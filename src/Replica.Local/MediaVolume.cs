namespace Replica.Local;

/// <summary>Deletes a folder tree without following symlinks inside it.</summary>
internal static class MediaVolume
{
    public static void Delete(string path)
    {
        // Directory.Delete(recursive) unlinks symlinks rather than following them; names
        // that are not valid UTF-8 can defeat it, so fall back to rm, which handles bytes.
        try { Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            using var rm = System.Diagnostics.Process.Start("rm", ["-rf", "--one-file-system", "--", path]);
            rm.WaitForExit();
            if (Directory.Exists(path)) throw;
        }
    }
}
