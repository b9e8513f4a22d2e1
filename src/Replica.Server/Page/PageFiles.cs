using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Replica.Server.Page;

/// <summary>The web page: plain HTML, CSS and JS built into the assembly, served at /.</summary>
public static class PageFiles
{
    private static readonly Dictionary<string, (string Resource, string Type)> Files = new()
    {
        ["/"] = ("page/index.html", "text/html; charset=utf-8"),
        ["/app.js"] = ("page/app.js", "text/javascript; charset=utf-8"),
        ["/app.css"] = ("page/app.css", "text/css; charset=utf-8"),
    };

    public static IEndpointRouteBuilder MapPage(this IEndpointRouteBuilder app)
    {
        foreach (var (path, (resource, type)) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(path, (HttpContext http) =>
            {
                // The page frames nothing and runs only its own script.
                http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, type);
            }).ExcludeFromDescription();
        }
        return app;
    }

    private static byte[] Read(string resource)
    {
        using var s = typeof(PageFiles).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the page file {resource} is missing from the build");
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
