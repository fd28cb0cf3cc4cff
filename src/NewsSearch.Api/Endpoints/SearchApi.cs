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
    [property: Description("Only articles published on or after this day (yyyy-MM-dd).")]
    [FromQuery(Name = "from")] string? From = null,
    [property: Description("Only articles published on or before this day (yyyy-MM-dd).")]
    [FromQuery(Name = "to")] string? To = null,
    [property: Description("Only articles by this author (exact name).")]
    [FromQuery(Name = "author")] string? Author = null,
    [property: Description("Only articles of this section (exact name).")]
    [FromQuery(Name = "section")] string? Section = null,
    [property: Description("Only articles of this kind: article, continuation or notice.")]
    [FromQuery(Name = "kind")] string? Kind = null,
    [property: Description("relevance (default), newest or oldest; ties broken by article id.")]
    [FromQuery(Name = "sort")] string? Sort = null,
    [property: Description("Facets counted over all matches, comma-separated: month, author, section.")]
    [FromQuery(Name = "facets")] string? Facets = null);

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Search");
        api.MapGet("/search", Search)
            .WithName("Search")
            .WithSummary("Ranked, highlighted search over articles")
            .WithDescription("BM25 over titles (boosted) and bodies; snippets are HTML-escaped with <mark> around matches.")
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
                From = SearchFilters.ParseDay(p.From, "from"),
                To = SearchFilters.ParseDay(p.To, "to"),
                Author = p.Author,
                Section = p.Section,
                Kind = p.Kind,
                Sort = SearchFilters.ParseSort(p.Sort),
                Facets = SearchFilters.ParseFacets(p.Facets),
            }));
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("Invalid search parameters", e.Message);
        }
        catch (QueryParseException e)
        {
            return Problems.BadRequest("Invalid query", e.Message, e.Position >= 0 ? new() { ["position"] = e.Position } : null);
        }
    }
}
