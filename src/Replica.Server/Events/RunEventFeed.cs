using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Replica.Core.Runs;

namespace Replica.Server.Events;

/// <summary>
/// One reader of the run store's events for every follower: woken at once by runs of this
/// process, and polling every 50 ms for runs of other processes (the CLI). Each follower of a
/// run gets its events through its own channel, so 200 followers cost one query.
/// </summary>
public sealed class RunEventFeed(RunStore store) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<RunEvent>, byte>> _followers = new();
    private readonly SemaphoreSlim _wake = new(0);

    private readonly ConcurrentDictionary<Channel<RunEvent>, byte> _allFollowers = new();

    /// <summary>Follows every run's events from now on (what the notifier watches); dispose to stop.</summary>
    public Subscription FollowAll()
    {
        var channel = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
        _allFollowers[channel] = 0;
        return new Subscription(channel.Reader, () => _allFollowers.TryRemove(channel, out _));
    }

    /// <summary>Follows a run's events from now on; dispose to stop.</summary>
    public Subscription Follow(string runId)
    {
        var channel = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
        _followers.GetOrAdd(runId, _ => new())[channel] = 0;
        return new Subscription(channel.Reader, () =>
        {
            if (_followers.TryGetValue(runId, out var set)) set.TryRemove(channel, out _);
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        void Wake() { if (_wake.CurrentCount == 0) _wake.Release(); }
        store.EventsAppended += Wake;
        try
        {
            var last = store.LastEventSeq();
            while (!stop.IsCancellationRequested)
            {
                try { await _wake.WaitAsync(Poll, stop); }
                catch (OperationCanceledException) { break; }
                try
                {
                    IReadOnlyList<RunEvent> batch;
                    do
                    {
                        batch = store.EventsAfter(last, 1000);
                        foreach (var e in batch)
                        {
                            last = e.Seq;
                            if (_followers.TryGetValue(e.RunId, out var set))
                                foreach (var ch in set.Keys) ch.Writer.TryWrite(e);
                            foreach (var ch in _allFollowers.Keys) ch.Writer.TryWrite(e);
                        }
                    } while (batch.Count == 1000);
                }
                catch (StateFolderException) { /* the store is unreadable for a moment: the next poll tries again */ }
            }
        }
        finally { store.EventsAppended -= Wake; }
    }

    public sealed class Subscription(ChannelReader<RunEvent> reader, Action dispose) : IDisposable
    {
        public ChannelReader<RunEvent> Events { get; } = reader;
        public void Dispose() => dispose();
    }
}
