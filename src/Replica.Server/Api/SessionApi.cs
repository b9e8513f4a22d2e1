using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Replica.Core.Access;
using Replica.Core.Config;
using Replica.Server.Access;

namespace Replica.Server.Api;

/// <summary>
/// The page's sign-in: the token goes into an HttpOnly, SameSite=Strict cookie (never readable
/// by scripts); GET tells the page who is signed in and what to offer.
/// </summary>
public static class SessionApi
{
    public sealed record SignIn(string Token);

    /// <param name="Operates">the targets this caller may launch and cancel on (the page offers launch buttons for these only).</param>
    public sealed record SessionJson(string Caller, string Role, IReadOnlyList<string> Targets, IReadOnlyList<string> Operates);

    /// <summary>Sign-in and sign-out: no credential yet, so not behind the access filter; the page's header guards them against other sites.</summary>
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/session", Create).Accepts<SignIn>("application/json").WithTags("session")
            .WithSummary("Sign in with a token: sets the HttpOnly, SameSite=Strict session cookie.");
        app.MapDelete("/api/session", Delete).WithTags("session").WithSummary("Sign out.");
        return app;
    }

    public static RouteGroupBuilder MapSessionInfo(this RouteGroupBuilder api)
    {
        api.MapGet("/session", Get).WithTags("session").WithSummary("Who is signed in, their role, and the targets they may operate.");
        return api;
    }

    private static SessionJson Describe(Grant g, ReplicaConfig config) => new(g.Caller, g.Role.ToWire(), g.TargetGlobs,
        config.Targets.Values.Where(t => !t.Protected && g.CanOperate(t.Name)).Select(t => t.Name).Order().ToList());

    private static Ok<SessionJson> Get(HttpContext http, ReplicaConfig config) => TypedResults.Ok(Describe(http.Caller(), config));

    private static async Task<Results<Ok<SessionJson>, ProblemHttpResult>> Create(HttpContext http, Callers callers, ReplicaConfig config)
    {
        if (http.Request.Headers[Callers.CsrfHeader] != "1")
            return Problems.Forbidden($"Sign-in must carry the header {Callers.CsrfHeader}: 1 (the page sends it); cross-site requests are refused.");
        string? token;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || doc.RootElement.EnumerateObject().Any(p => p.Name != "token"))
                return Problems.Invalid("The sign-in body must be {\"token\": \"…\"} and nothing else.");
            token = doc.RootElement.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException) { return Problems.Invalid("The sign-in body must be JSON: {\"token\": \"…\"}."); }
        if (string.IsNullOrWhiteSpace(token)) return Problems.Invalid("The sign-in body has no token; paste the token 'replica tokens create' printed.");
        if (callers.Verify(token.Trim()) is not { } grant)
            return Problems.Unauthorized("The token is unknown or revoked; ask an admin for a new one (replica tokens create).");
        http.Response.Cookies.Append(Callers.CookieName, token.Trim(), new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", IsEssential = true,
            MaxAge = TimeSpan.FromDays(30),
        });
        return TypedResults.Ok(Describe(grant, config));
    }

    private static Results<NoContent, ProblemHttpResult> Delete(HttpContext http)
    {
        if (http.Request.Headers[Callers.CsrfHeader] != "1")
            return Problems.Forbidden($"Sign-out must carry the header {Callers.CsrfHeader}: 1 (the page sends it).");
        http.Response.Cookies.Delete(Callers.CookieName, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
        return TypedResults.NoContent();
    }
}
