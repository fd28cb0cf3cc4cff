using Microsoft.AspNetCore.Http.HttpResults;
using NewsSearch.Api.Infrastructure;

namespace NewsSearch.Api.Endpoints;

public sealed record HealthStatus(string Status, long? Documents = null, long? StoreSequence = null, long? IndexedSequence = null);

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
        return TypedResults.Ok(new HealthStatus("ready", lease.Reader.NumDocs, engine.Store.CurrentSequence, lease.Reader.StoreSequence));
    }
}
