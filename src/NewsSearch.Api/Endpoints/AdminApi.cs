using Microsoft.AspNetCore.Http.HttpResults;
using NewsSearch.Api.Infrastructure;
using NewsSearch.Core.Index;

namespace NewsSearch.Api.Endpoints;

public sealed record ReindexStatus(bool Running, string Message);

public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        // One policy for the whole group: admin key, or loopback callers only.
        var admin = routes.MapGroup("/api/v1/admin").WithTags("Admin").AddEndpointFilter<AdminKeyFilter>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/reindex", StartReindex)
            .WithName("StartReindex")
            .WithSummary("Rebuild the index from the article store; searches use the old index until the switch")
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/reindex", GetReindex)
            .WithName("GetReindexStatus")
            .WithSummary("Whether a reindex is running");
        admin.MapGet("/stats", GetStats)
            .WithName("GetIndexStats")
            .WithSummary("Segments, documents, deletions, terms and bytes per file kind");
        return routes;
    }

    internal static Results<Accepted<ReindexStatus>, ProblemHttpResult> StartReindex(EngineHost host) =>
        host.TryStartReindex()
            ? TypedResults.Accepted("/api/v1/admin/reindex", new ReindexStatus(true, "Reindex started."))
            : Problems.Conflict("Reindex already running", "Wait for the running reindex to finish (GET /api/v1/admin/reindex).");

    internal static Ok<ReindexStatus> GetReindex(EngineHost host) =>
        TypedResults.Ok(new ReindexStatus(host.IsReindexing, host.IsReindexing ? "Reindex running." : "No reindex running."));

    internal static Ok<IndexStats> GetStats(EngineHost host) => TypedResults.Ok(host.Engine.Index.GetStats());
}
