namespace Replica.Cli.Worker;

/// <summary>`--name value` and `--flag` arguments of a worker command.</summary>
public sealed class WorkerArgs
{
    private readonly Dictionary<string, string?> _values;
    private WorkerArgs(Dictionary<string, string?> values) => _values = values;

    public static WorkerArgs Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new WorkerArgsException($"unexpected argument '{a}'; options start with --.");
            var eq = a.IndexOf('=');
            if (eq > 0) { values[a[2..eq]] = a[(eq + 1)..]; continue; }
            var name = a[2..];
            if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                values[name] = args[++i];
            else
                values[name] = null;
        }
        return new WorkerArgs(values);
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string Required(string name) =>
        _values.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v)
            ? v
            : throw new WorkerArgsException($"--{name} is required.");

    public string? Optional(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback)
    {
        var v = Optional(name);
        if (v is null) return fallback;
        return int.TryParse(v, out var n) && n > 0 ? n : throw new WorkerArgsException($"--{name} must be a positive whole number, not '{v}'.");
    }

    /// <summary>Names given that the command does not know, so typos are refused instead of ignored.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var k in _values.Keys)
            if (Array.IndexOf(known, k) < 0)
                throw new WorkerArgsException($"unknown option --{k}.");
    }
}

public sealed class WorkerArgsException(string message) : Exception(message);
