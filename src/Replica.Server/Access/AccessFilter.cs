using Microsoft.AspNetCore.Http;
using Replica.Core.Access;

namespace Replica.Server.Access;

/// <summary>
/// Every /api endpoint but /healthz: 401 without a valid credential; 403 for a browser-sent
/// credential on a state-changing request without the page's header (CSRF). The grant is put
/// on the request for the endpoint's own per-target check.
/// </summary>
public sealed class AccessFilter(Callers callers) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var who = callers.Identify(http);
        if (who.Grant is null) return Problems.Unauthorized(who.Problem!);
        if (who.ViaBrowser && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && http.Request.Headers[Callers.CsrfHeader] != "1")
            return Problems.Forbidden($"A state-changing request signed in by cookie must carry the header {Callers.CsrfHeader}: 1 (the page sends it); cross-site requests are refused.");
        http.Items[typeof(Grant)] = who.Grant;
        return await next(context);
    }
}

public static class GrantOf
{
    public static Grant Caller(this HttpContext http) => (Grant)http.Items[typeof(Grant)]!;
}
