using System.Security.Cryptography;

namespace Replica.Media.Sync;

/// <summary>
/// Names of files being written: ".replica-" + 16 hex digits + ".tmp", short enough for any
/// name limit and recognisable, so a later run removes what a killed run left behind.
/// </summary>
internal static class TempName
{
    private const string Prefix = ".replica-";
    private const string Suffix = ".tmp";
    private const int Length = 9 + 16 + 4;
    private static readonly ulong Salt = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private static long _counter;

    public static byte[] Next()
    {
        var n = Salt ^ (ulong)Interlocked.Increment(ref _counter) * 0x9E3779B97F4A7C15UL;
        return System.Text.Encoding.ASCII.GetBytes(Prefix + n.ToString("x16") + Suffix + "\0");
    }

    public static bool Is(ReadOnlySpan<byte> name)
    {
        if (name.Length != Length || !name.StartsWith(".replica-"u8) || !name.EndsWith(".tmp"u8)) return false;
        foreach (var b in name[Prefix.Length..^Suffix.Length])
            if (!(b is >= (byte)'0' and <= (byte)'9' || b is >= (byte)'a' and <= (byte)'f')) return false;
        return true;
    }
}
