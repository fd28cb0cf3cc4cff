using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using NewsSearch.Api.Infrastructure;

namespace NewsSearch.Api.Endpoints;

public sealed record HealthStatus(
    [property: Description("live or ready")] string Status,
    [property: Description("Documents in the index snapshot searches use")] long? Documents = null,
    [property: Description("The store's latest change sequence")] long? StoreSequence = null,
    [property: Description("The store sequence the index holds; a write with sequence s is searchable once this is at least s")] long? IndexedSequence = null)
{
    [Description("The data folder's index engine: native or lucene")]
    public string? Engine { get; init; }

    [Description("The data folder's word analysis: jieba or smartcn")]
    public string? Analysis { get; init; }
}

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/healthz").WithTags("Health").WithCommonProblems();
        health.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")))
            .WithName("Live").WithSummary("The process is up")
            .WithDescription("200 as soon as the host listens, also while the index is still opening.")
            .WithResponseExample(200, new HealthStatus("live"));
        health.MapGet("/ready", Ready)
            .WithName("Ready").WithSummary("The index is open, caught up with the store, and serving searches")
            .WithDescription("503 index_unavailable while the index opens, builds for the first time or rebuilds after an analysis change "
                + "(or could not be opened); 200 afterwards. A reindex started through the admin API keeps it 200 (the old version serves).")
            .ProducesApiProblem(StatusCodes.Status503ServiceUnavailable)
            .WithResponseExample(200, new HealthStatus("ready", 200_000, 200_050, 200_050));
        return routes;
    }

    internal static Results<Ok<HealthStatus>, ProblemHttpResult> Ready(EngineHost host)
    {
        if (!host.IsReady)
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.IndexUnavailable, "Not ready",
                host.Failed ? "The index could not be opened; see the server log." : "The index is still opening.");
        var engine = host.Engine;
        using var lease = engine.Index.AcquireSnapshot();
        return TypedResults.Ok(new HealthStatus("ready", lease.Snapshot.NumDocs, engine.Store.CurrentSequence, lease.Snapshot.StoreSequence)
        {
            Engine = engine.Info.Engine,
            Analysis = engine.Info.Analysis,
        });
    }
}
