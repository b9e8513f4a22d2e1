using System.Text;

namespace Replica.Postgres.Restore.Plain;

/// <summary>
/// Finds where an SQL statement ends (a semicolon outside quotes, dollar quotes and comments),
/// line by line, as psql does. Works on UTF-8 bytes: every character it cares about is ASCII.
/// </summary>
internal sealed class StatementScanner
{
    private enum State { Normal, Single, Double, Dollar, Block }
    private State _state;
    private bool _escapes;
    private byte[] _tag = [];
    private int _depth;
    // As psql does: BEGIN or CASE after the first word opens a block whose semicolons do not end the
    // statement (CREATE FUNCTION … BEGIN ATOMIC … END), END closes it; parentheses count too.
    private int _words, _blocks, _parens;

    public void Reset() { _state = State.Normal; _depth = 0; _tag = []; _escapes = false; _words = 0; _blocks = 0; _parens = 0; }

    /// <summary>Index of the terminating ';' in the line, or -1 if the statement goes on.</summary>
    public int FindEnd(ReadOnlySpan<byte> line)
    {
        for (int i = 0; i < line.Length; i++)
        {
            byte c = line[i];
            switch (_state)
            {
                case State.Normal:
                    if (c == ';' && _blocks == 0 && _parens == 0) return i;
                    if (c == '(') _parens++;
                    else if (c == ')' && _parens > 0) _parens--;
                    else if (IsWordStart(c) && (i == 0 || !IsIdent(line[i - 1])))
                    {
                        int j = i;
                        while (j < line.Length && IsIdent(line[j])) j++;
                        var word = line[i..j];
                        _words++;
                        if (_words > 1 && (word.Length == 5 && Ascii.EqualsIgnoreCase(word, "begin"u8) || word.Length == 4 && Ascii.EqualsIgnoreCase(word, "case"u8))) _blocks++;
                        else if (_blocks > 0 && word.Length == 3 && Ascii.EqualsIgnoreCase(word, "end"u8)) _blocks--;
                        // The loop resumes after the word; a quote right after E is then seen as an escape string.
                        i = j - 1;
                        break;
                    }
                    if (c == '-' && i + 1 < line.Length && line[i + 1] == '-') return -1; // rest is a comment
                    if (c == '/' && i + 1 < line.Length && line[i + 1] == '*') { _state = State.Block; _depth = 1; i++; }
                    else if (c == '\'')
                    {
                        _state = State.Single;
                        // E'…' strings treat backslash as an escape; plain ones do not (standard_conforming_strings).
                        _escapes = i > 0 && (line[i - 1] == 'E' || line[i - 1] == 'e') && (i < 2 || !IsIdent(line[i - 2]));
                    }
                    else if (c == '"') _state = State.Double;
                    else if (c == '$' && (i == 0 || !IsIdent(line[i - 1])))
                    {
                        int j = i + 1;
                        while (j < line.Length && IsIdent(line[j]) && line[j] != '$') j++;
                        if (j < line.Length && line[j] == '$' && (j == i + 1 || !IsDigit(line[i + 1])))
                        {
                            _tag = line[i..(j + 1)].ToArray();
                            _state = State.Dollar;
                            i = j;
                        }
                    }
                    break;
                case State.Single:
                    if (_escapes && c == '\\') i++;
                    else if (c == '\'')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '\'') i++;
                        else _state = State.Normal;
                    }
                    break;
                case State.Double:
                    if (c == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') i++;
                        else _state = State.Normal;
                    }
                    break;
                case State.Dollar:
                    int k = line[i..].IndexOf(_tag);
                    if (k < 0) return -1;
                    i += k + _tag.Length - 1;
                    _state = State.Normal;
                    break;
                case State.Block:
                    if (c == '/' && i + 1 < line.Length && line[i + 1] == '*') { _depth++; i++; }
                    else if (c == '*' && i + 1 < line.Length && line[i + 1] == '/') { i++; if (--_depth == 0) _state = State.Normal; }
                    break;
            }
        }
        return -1;
    }

    private static bool IsWordStart(byte c) => c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or >= 0x80;
    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';
    private static bool IsIdent(byte c) => c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'$' or >= 0x80;
}
