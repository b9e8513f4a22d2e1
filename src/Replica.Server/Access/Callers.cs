using System.Net;
using Microsoft.AspNetCore.Http;
using Replica.Core.Access;
using Replica.Core.Config;

namespace Replica.Server.Access;

/// <summary>
/// Who is calling: a bearer token, the page's session cookie (the same token, HttpOnly), or a
/// user named by a trusted reverse proxy (only from its addresses; the header is ignored from
/// anywhere else).
/// </summary>
public sealed class Callers(AccessTokens tokens, ServerConfig server)
{
    public const string CookieName = "replica_session";

    /// <summary>What the page sends with every state-changing request; a cross-site form or image cannot.</summary>
    public const string CsrfHeader = "X-Replica-Request";

    public Identified Identify(HttpContext http)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        if (auth.Length > 0)
        {
            if (!auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                return Identified.Refused("The Authorization header is not 'Bearer TOKEN'; send the token made by 'replica tokens create'.");
            return Verify(auth[7..].Trim()) is { } g ? new(g, ViaBrowser: false, null)
                : Identified.Refused("The token is unknown or revoked; ask an admin for a new one (replica tokens create).");
        }
        if (server.TrustedProxy is { } proxy && http.Connection.RemoteIpAddress is { } from && FromProxy(proxy, from)
            && http.Request.Headers[proxy.Header].ToString() is { Length: > 0 } user)
        {
            return proxy.Users.TryGetValue(user, out var u)
                ? new(new Grant($"user:{user}", Roles.Parse(u.Role, "role"), u.Targets), ViaBrowser: true, null)
                : Identified.Refused($"User '{user}' is not listed under server.trusted_proxy.users; ask an admin to add them with a role.");
        }
        if (http.Request.Cookies[CookieName] is { Length: > 0 } cookie)
            return Verify(cookie) is { } g ? new(g, ViaBrowser: true, null)
                : Identified.Refused("Your sign-in is no longer valid (the token was revoked); sign in again with a current token.");
        return Identified.Refused("No token was given; send 'Authorization: Bearer TOKEN' (replica tokens create makes one) or sign in on the page.");
    }

    /// <summary>
    /// Looked up on every request (one indexed read of the store's hash column): a revoked token,
    /// from this server or from `replica tokens revoke` in another process, is refused at once.
    /// </summary>
    public Grant? Verify(string token) => tokens.Verify(token);

    private static bool FromProxy(TrustedProxyConfig proxy, IPAddress address)
    {
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return proxy.From.Any(n => n.Contains(a));
    }
}

/// <param name="ViaBrowser">the credential is sent by the browser on its own (cookie, proxy sign-on): a state-changing request must prove it comes from the page.</param>
public sealed record Identified(Grant? Grant, bool ViaBrowser, string? Problem)
{
    public static Identified Refused(string why) => new(null, false, why);
}
