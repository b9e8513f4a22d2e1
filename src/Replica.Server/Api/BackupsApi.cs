using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Wire;

namespace Replica.Server.Api;

/// <summary>/api/backups: the source's backups, as `replica backups --json`.</summary>
public static class BackupsApi
{
    public static RouteGroupBuilder MapBackupsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/backups", List).WithTags("backups").WithSummary("The source's backups, newest first, with the flavour read from each file.");
        return api;
    }

    private static async Task<Results<Ok<List<BackupJson>>, ProblemHttpResult>> List(SourceBackups backups, HttpContext http)
    {
        try { return TypedResults.Ok((await backups.ListAsync(http.RequestAborted)).Select(BackupJson.From).ToList()); }
        catch (RefusedException e) { return Problems.From(e); }
    }
}
