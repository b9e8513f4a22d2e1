namespace Replica.Cli.Output;

/// <summary>Plain aligned columns: readable in a terminal, greppable in a pipe, never wrapped.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public void Print(TextWriter o)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
        o.WriteLine(Line(headers));
        foreach (var r in _rows) o.WriteLine(Line(r));
    }
}
