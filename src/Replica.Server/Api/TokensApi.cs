using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Replica.Core;
using Replica.Core.Access;
using Replica.Core.Runs;
using Replica.Server.Access;

namespace Replica.Server.Api;

/// <summary>/api/tokens (admin only): what `replica tokens list|create|revoke` do.</summary>
public static class TokensApi
{
    public sealed record TokenJson(string Name, string Role, IReadOnlyList<string> Targets, DateTimeOffset Created, DateTimeOffset? LastUsed);
    public sealed record CreateToken(string Name, string Role, IReadOnlyList<string>? Targets);
    public sealed record CreatedToken(string Name, string Role, IReadOnlyList<string> Targets, string Token);

    public static RouteGroupBuilder MapTokensApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/tokens").WithTags("tokens");
        g.MapGet("/", List).WithSummary("Every token (never the token itself). Admin only.");
        g.MapPost("/", Create).Accepts<CreateToken>("application/json").WithSummary("Make a token; the answer holds it, once. Admin only.");
        g.MapDelete("/{name}", Revoke).WithSummary("Revoke a token. Admin only.");
        return api;
    }

    private static ProblemHttpResult NotAdmin(Grant g) => Problems.Forbidden($"{g.Caller} is not an admin; tokens are managed by admins only.");

    private static Results<Ok<List<TokenJson>>, ProblemHttpResult> List(HttpContext http, RunStore store)
    {
        if (!http.Caller().IsAdmin) return NotAdmin(http.Caller());
        return TypedResults.Ok(store.ListTokens().Select(t => new TokenJson(t.Name, t.Role, t.Targets, t.Created, t.LastUsed)).ToList());
    }

    private static async Task<Results<Created<CreatedToken>, ProblemHttpResult>> Create(HttpContext http, AccessTokens tokens)
    {
        if (!http.Caller().IsAdmin) return NotAdmin(http.Caller());
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Problems.Invalid("The body must be {\"name\", \"role\", \"targets\"?}.");
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("name" or "role" or "targets")) return Problems.Invalid($"Unknown field '{p.Name}'; the fields are name, role, targets.");
            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            var role = Roles.Parse(root.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "", "role");
            var globs = root.TryGetProperty("targets", out var t) && t.ValueKind == JsonValueKind.Array
                ? Grant.ParseGlobs(string.Join(',', t.EnumerateArray().Select(x => x.GetString())), "targets") : [];
            var token = tokens.Create(name, role, globs);
            return TypedResults.Created($"/api/tokens/{name}", new CreatedToken(name, role.ToWire(), globs, token));
        }
        catch (JsonException) { return Problems.Invalid("The body must be JSON: {\"name\", \"role\", \"targets\"?}."); }
        catch (RefusedException e) { return Problems.Invalid(e.Message); }
    }

    private static Results<NoContent, ProblemHttpResult> Revoke(string name, HttpContext http, RunStore store)
    {
        if (!http.Caller().IsAdmin) return NotAdmin(http.Caller());
        return store.RevokeToken(name) ? TypedResults.NoContent() : Problems.NotFound($"There is no token '{name}'; GET /api/tokens lists them.");
    }
}
