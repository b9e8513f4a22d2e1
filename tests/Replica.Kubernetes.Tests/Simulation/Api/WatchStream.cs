using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// A `?watch=true` answer: newline-delimited `{"type":…,"object":…}` events until timeoutSeconds,
/// the client leaving, or the simulation stopping. Selectors apply to each event as in the real
/// watch cache: an object that stops matching is sent as DELETED, one that starts matching as ADDED.
/// </summary>
public static class WatchStream
{
    public static async Task WriteAsync(HttpContext http, ObjectStore store, ResourceType type, string? ns, string? name,
        ListOptions options, Action started, CancellationToken shutdown)
    {
        bool InScope(ResourceType t, string n) => t == type && (ns is null || !type.Namespaced || n == ns);
        bool Matches(JsonObject? o) => o is not null && (name is null || o.Name() == name) && options.Matches(o);

        StoreSubscription subscription;
        var rv = options.ResourceVersion;
        try
        {
            subscription = string.IsNullOrEmpty(rv) || rv == "0"
                ? store.Subscribe(InScope, null, initialState: true)
                : store.Subscribe(InScope, long.TryParse(rv, out var since) ? since : throw ApiException.BadRequest($"invalid resource version: {rv}"), initialState: false);
        }
        catch (ApiException gone) when (gone.Code == 410)
        {
            // The real server starts the stream and reports 410 as an ERROR event.
            await StartAsync(http);
            started();
            await WriteEventAsync(http, "ERROR", gone.ToStatus());
            return;
        }

        using (subscription)
        {
            await StartAsync(http);
            started();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds ?? 1800));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, http.RequestAborted, shutdown);
            try
            {
                await foreach (var change in subscription.Changes.ReadAllAsync(linked.Token))
                {
                    var now = Matches(change.Object);
                    var before = change.Previous is not null && Matches(change.Previous);
                    string? wire = change.Type switch
                    {
                        ChangeType.Added => now ? "ADDED" : null,
                        ChangeType.Modified => now ? (before ? "MODIFIED" : "ADDED") : (before ? "DELETED" : null),
                        _ => before || now ? "DELETED" : null,
                    };
                    if (wire is not null) await WriteEventAsync(http, wire, change.Object);
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
        }
    }

    private static async Task StartAsync(HttpContext http)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await http.Response.StartAsync();
        await http.Response.Body.FlushAsync();
    }

    private static async Task WriteEventAsync(HttpContext http, string type, JsonObject obj)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
        await http.Response.WriteAsync(line);
        await http.Response.Body.FlushAsync();
    }
}
