using Replica.Media.Sync;
using Replica.Media.Tree;
using Xunit;

namespace Replica.Media.Tests;

public sealed class NameTests
{
    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)' ', (byte)'b' }, "a b")]
    [InlineData(new byte[] { (byte)'n', 0x0a, (byte)'l' }, "n\\x0al")]
    [InlineData(new byte[] { (byte)'x', 0xff, (byte)'y' }, "x\\xffy")]
    [InlineData(new byte[] { 0xc3, 0xa9 }, "é")]
    [InlineData(new byte[] { (byte)'a', (byte)'\\', (byte)'b' }, "a\\x5cb")]
    public void Paths_render_unambiguously(byte[] path, string expected) => Assert.Equal(expected, PathText.Render(path));

    [Fact]
    public void Temporary_names_are_recognised_and_nothing_else()
    {
        var name = TempName.Next();
        Assert.True(TempName.Is(EntryName.Bytes(name)));
        Assert.NotEqual(name, TempName.Next());
        Assert.False(TempName.Is(".replica-0123456789abcdef.tm"u8));
        Assert.False(TempName.Is(".replica-0123456789abcdeX.tmp"u8));
        Assert.False(TempName.Is("replica-0123456789abcdef.tmp"u8));
        Assert.True(TempName.Is(".replica-0123456789abcdef.tmp"u8));
    }

    [Fact]
    public void Names_sort_byte_by_byte_with_prefixes_first()
    {
        var names = new[] { "b", "a", "ab", "A", "a b" }.Select(EntryName.FromString).ToList();
        names.Sort(EntryName.Compare);
        Assert.Equal(["A", "a", "a b", "ab", "b"], names.Select(n => System.Text.Encoding.UTF8.GetString(EntryName.Bytes(n))));
    }
}
