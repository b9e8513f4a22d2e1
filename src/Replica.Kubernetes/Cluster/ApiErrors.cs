using System.Net;
using k8s.Autorest;

namespace Replica.Kubernetes.Cluster;

/// <summary>The API server's answers that replica expects and handles (absent, already there).</summary>
public static class ApiErrors
{
    public static bool IsNotFound(this Exception e) => e is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };

    public static bool IsConflict(this Exception e) => e is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict };

    /// <summary>Null when the object is absent.</summary>
    public static async Task<T?> OrNull<T>(Func<Task<T>> read) where T : class
    {
        try { return await read(); }
        catch (HttpOperationException e) when (e.IsNotFound()) { return null; }
    }

    /// <summary>Deleting something already gone is fine (stop is idempotent).</summary>
    public static async Task IgnoreNotFound(Func<Task> delete)
    {
        try { await delete(); }
        catch (HttpOperationException e) when (e.IsNotFound()) { }
    }

    /// <summary>The server's own words (its Status message) for a failed call.</summary>
    public static string Describe(HttpOperationException e)
    {
        var body = e.Response?.Content;
        if (!string.IsNullOrEmpty(body))
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } text) return text;
            }
            catch (System.Text.Json.JsonException) { }
        }
        return $"{(int?)e.Response?.StatusCode} {e.Response?.ReasonPhrase}".Trim();
    }
}
