namespace Replica.Media.Tree;

/// <summary>
/// Entry names are bytes, kept with their NUL terminator so they go to the kernel as they are.
/// Comparing the terminated arrays orders names byte by byte (a prefix sorts first).
/// </summary>
internal static class EntryName
{
    public static byte[] FromString(string name)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(name) + 1];
        System.Text.Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }

    public static ReadOnlySpan<byte> Bytes(byte[] name) => name.AsSpan(0, name.Length - 1);

    public static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    public static bool IsDotOrDotDot(ReadOnlySpan<byte> name) =>
        name.Length == 1 && name[0] == (byte)'.' || name.Length == 2 && name[0] == (byte)'.' && name[1] == (byte)'.';
}
