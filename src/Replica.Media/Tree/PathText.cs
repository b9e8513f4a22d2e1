using System.Text;

namespace Replica.Media.Tree;

/// <summary>
/// Renders a byte path for people: valid UTF-8 as it is, anything else (invalid bytes,
/// control characters such as a newline) as \xNN, so a message names the entry unambiguously.
/// </summary>
internal static class PathText
{
    public static string Render(ReadOnlySpan<byte> path)
    {
        var sb = new StringBuilder(path.Length + 8);
        int i = 0;
        while (i < path.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(path[i..], out var rune, out var used);
            if (status == System.Buffers.OperationStatus.Done && rune.Value >= 0x20 && rune.Value != 0x7f && rune.Value != '\\')
            {
                sb.Append(rune.ToString());
                i += used;
            }
            else
            {
                sb.Append("\\x").Append(path[i].ToString("x2"));
                i++;
            }
        }
        return sb.ToString();
    }

    /// <summary>The root's display path joined with relative name bytes.</summary>
    public static string Join(string root, ReadOnlySpan<byte> relative) =>
        relative.IsEmpty ? root : root.TrimEnd('/') + "/" + Render(relative);
}
