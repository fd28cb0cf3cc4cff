using Microsoft.AspNetCore.Http.HttpResults;
using NewsSearch.Api.Infrastructure;

namespace NewsSearch.Api.Endpoints;

public sealed record HealthStatus(string Status, long? Documents = null, long? StoreSequence = null, long? IndexedSequence = null)
{
    /// <summary>The data folder's index engine (native, lucene) and word analysis (jieba, smartcn).</summary>
    public string? Engine { get; init; }
    public string? Analysis { get; init; }
}

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/healthz").WithTags("Health");
        health.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")))
            .WithName("Live").WithSummary("The process is up");
        health.MapGet("/ready", Ready)
            .WithName("Ready").WithSummary("The index is open and can serve searches")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    internal static Results<Ok<HealthStatus>, ProblemHttpResult> Ready(EngineHost host)
    {
        if (!host.IsReady)
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready",
                detail: "The index is still opening.");
        var engine = host.Engine;
        using var lease = engine.Index.AcquireSnapshot();
        return TypedResults.Ok(new HealthStatus("ready", lease.Snapshot.NumDocs, engine.Store.CurrentSequence, lease.Snapshot.StoreSequence)
        {
            Engine = engine.Info.Engine,
            Analysis = engine.Info.Analysis,
        });
    }
}
