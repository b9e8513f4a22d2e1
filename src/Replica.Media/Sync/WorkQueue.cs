namespace Replica.Media.Sync;

/// <summary>
/// The two queues one pool of workers drains (rclone's checkers and transfers, in one pool):
/// file copies first, since they free memory and let directories finish, then directories,
/// newest first, so the walk goes depth first and keeps few directories open. The copy queue is
/// bounded; a checker that finds it full copies the file itself, which throttles the walk
/// without any chance of deadlock.
/// </summary>
internal sealed class WorkQueue(int copyCapacity)
{
    private readonly object _gate = new();
    private readonly Stack<DirectoryNode> _directories = new();
    private readonly Queue<CopyJob> _copies = new();
    private int _outstanding;
    private int _directoriesOutstanding;

    /// <summary>True once every directory has been listed: the totals of the walk are final.</summary>
    public bool WalkFinished => Volatile.Read(ref _directoriesOutstanding) == 0;

    public void AddDirectory(DirectoryNode node)
    {
        lock (_gate)
        {
            _directories.Push(node);
            _outstanding++;
            _directoriesOutstanding++;
            Monitor.Pulse(_gate);
        }
    }

    public bool TryAddCopy(in CopyJob job)
    {
        lock (_gate)
        {
            if (_copies.Count >= copyCapacity) return false;
            _copies.Enqueue(job);
            _outstanding++;
            Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>Blocks until there is work; false when all work is done.</summary>
    public bool TryTake(out DirectoryNode? directory, out CopyJob copy)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_copies.Count > 0)
                {
                    copy = _copies.Dequeue();
                    directory = null;
                    return true;
                }
                if (_directories.Count > 0)
                {
                    directory = _directories.Pop();
                    copy = default;
                    return true;
                }
                if (_outstanding == 0)
                {
                    directory = null;
                    copy = default;
                    return false;
                }
                Monitor.Wait(_gate);
            }
        }
    }

    public void Done(bool wasDirectory)
    {
        lock (_gate)
        {
            _outstanding--;
            if (wasDirectory) _directoriesOutstanding--;
            if (_outstanding == 0) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Wakes every worker; used with a stopped run, where queued work is drained without being done.</summary>
    public void Wake()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }
}
