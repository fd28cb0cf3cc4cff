using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NewsSearch.Api.Infrastructure;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Endpoints;

/// <summary>Query-string parameters of GET /api/v1/search.</summary>
public sealed record SearchParameters(
    [property: Description("Query in Lucene classic syntax: words are ANDed, \"quoted phrases\", +must, -not, OR, title:/body:/author:/section: fields.")]
    [FromQuery(Name = "q")] string? Q,
    [property: Description("1-based page number (default 1).")]
    [FromQuery(Name = "page")] int? Page,
    [property: Description("Hits per page, 1 to 100 (default 10).")]
    [FromQuery(Name = "pageSize")] int? PageSize,
    [property: Description("Return each hit's score breakdown (explanation: value, description, details).")]
    [FromQuery(Name = "explain")] bool? Explain = null,
    [property: Description("Recency boost half-life in days: score × (1 + 2^(−age / half-life)) over the best 200 hits. Omit for none.")]
    [FromQuery(Name = "recency")] double? Recency = null,
    [property: Description("Snippet length in characters, 20 to 1000 (default 120).")]
    [FromQuery(Name = "fragmentSize")] int? FragmentSize = null);

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Search");
        api.MapGet("/search", Search)
            .WithName("Search")
            .WithSummary("Ranked, highlighted search over articles")
            .WithDescription("BM25 over titles (boosted) and bodies, with a bonus for query words close together; when the words ANDed find nothing they are rerun as OR (fallback: \"or\"). Snippets are HTML-escaped with <mark> around matches; matches gives UTF-16 offsets; analyzedQuery is the query as understood.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    internal static Results<Ok<SearchResponse>, ProblemHttpResult> Search(
        [AsParameters] SearchParameters p, EngineHost host)
    {
        string query = p.Q?.Trim() ?? "";
        int page = p.Page ?? 1, pageSize = p.PageSize ?? 10;
        if (query.Length == 0)
            return Problems.BadRequest("Missing query", "Give a query in the q parameter, e.g. /api/v1/search?q=公共自行车.");
        if (query.Length > SearchRequest.MaxQueryLength)
            return Problems.BadRequest("Query too long", $"A query may have at most {SearchRequest.MaxQueryLength} characters.");
        if (page < 1)
            return Problems.BadRequest("Invalid page", "page starts at 1.");
        if (pageSize is < 1 or > SearchRequest.MaxPageSize)
            return Problems.BadRequest("Invalid page size", $"pageSize must be between 1 and {SearchRequest.MaxPageSize}.");
        try
        {
            return TypedResults.Ok(host.Engine.Search(new SearchRequest(query, page, pageSize)
            {
                Explain = p.Explain ?? false, Recency = p.Recency, FragmentSize = p.FragmentSize,
            }));
        }
        catch (QueryParseException e)
        {
            return Problems.BadRequest("Invalid query", e.Message, e.Position >= 0 ? new() { ["position"] = e.Position } : null);
        }
        catch (ArgumentException e)
        {
            // recency and fragmentSize are range-checked by the searcher.
            return Problems.BadRequest("Invalid request", e.Message);
        }
    }
}
