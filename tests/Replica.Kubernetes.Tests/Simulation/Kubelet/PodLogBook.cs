using System.Collections.Concurrent;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>Container output per pod and container, one log per run of the container (for `previous=true`).</summary>
public sealed class PodLogBook
{
    private readonly ConcurrentDictionary<(string PodUid, string Container), List<ContainerLog>> _logs = new();

    /// <summary>Starts a new run's log; the one before becomes the `previous` log.</summary>
    public ContainerLog Start(string podUid, string container)
    {
        var runs = _logs.GetOrAdd((podUid, container), _ => new List<ContainerLog>());
        var log = new ContainerLog();
        lock (runs) runs.Add(log);
        return log;
    }

    public ContainerLog? Current(string podUid, string container) => Run(podUid, container, fromEnd: 1);
    public ContainerLog? Previous(string podUid, string container) => Run(podUid, container, fromEnd: 2);

    private ContainerLog? Run(string podUid, string container, int fromEnd)
    {
        if (!_logs.TryGetValue((podUid, container), out var runs)) return null;
        lock (runs) return runs.Count >= fromEnd ? runs[^fromEnd] : null;
    }

    public void Forget(string podUid)
    {
        foreach (var key in _logs.Keys.Where(k => k.PodUid == podUid).ToList()) _logs.TryRemove(key, out _);
    }
}

/// <summary>Lines of one container run, with the time each was written.</summary>
public sealed class ContainerLog
{
    private readonly List<(DateTime At, string Line)> _lines = new();
    private volatile bool _finished;

    public bool Finished => _finished;

    public void Append(string line)
    {
        lock (_lines) _lines.Add((DateTime.UtcNow, line));
    }

    public void Finish() => _finished = true;

    public IReadOnlyList<(DateTime At, string Line)> Lines(int skip = 0)
    {
        lock (_lines) return _lines.Skip(skip).ToList();
    }

    public string Text
    {
        get { lock (_lines) return string.Concat(_lines.Select(l => l.Line + "\n")); }
    }
}
