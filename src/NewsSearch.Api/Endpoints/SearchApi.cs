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
    [FromQuery(Name = "facets")] string? Facets = null,
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
        var api = routes.MapGroup("/api/v1").WithTags("Search").ApiKeyForReads().WithCommonProblems()
            .ProducesApiProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/search", Search)
            .WithName("Search")
            .WithSummary("Ranked, highlighted search over articles")
            .WithDescription("BM25 over titles (boosted) and bodies, with a bonus for query words close together; when the words ANDed find nothing they are rerun as OR (fallback: \"or\"); "
                + "partial: true (with partialReason) when a limit kept the search from finding every match. Snippets are HTML-escaped with <mark> around matches; "
                + "matches gives UTF-16 offsets; analyzedQuery is the query as understood. "
                + "400 codes: missing_query, query_too_long (over 1,000 characters), invalid_query (syntax; `position` says where), "
                + "invalid_parameter (pageSize outside 1 to 100, or not a number; recency or fragmentSize out of range; a bad from/to day, from after to, an unknown sort, kind or facet), page_out_of_range (page below 1, or page × pageSize over 10,000).")
            .ProducesApiProblem(StatusCodes.Status400BadRequest)
            .WithParameterExamples(("q", "公共自行车 押金"), ("page", 1), ("pageSize", 10))
            .WithResponseExample(200, Examples.Search);
        return routes;
    }

    internal static Results<Ok<SearchResponse>, ProblemHttpResult> Search(
        [AsParameters] SearchParameters p, EngineHost host)
    {
        try
        {
            var request = new SearchRequest(p.Q?.Trim() ?? "", p.Page ?? 1, p.PageSize ?? 10)
            {
                From = SearchFilters.ParseDay(p.From, "from"),
                To = SearchFilters.ParseDay(p.To, "to"),
                Author = p.Author,
                Section = p.Section,
                Kind = p.Kind,
                Sort = SearchFilters.ParseSort(p.Sort),
                Facets = SearchFilters.ParseFacets(p.Facets),
                Explain = p.Explain ?? false,
                Recency = p.Recency,
                FragmentSize = p.FragmentSize,
            };
            return TypedResults.Ok(host.Engine.Search(request));
        }
        catch (SearchRequestException e)
        {
            return Problems.BadRequest(e.Code, "Invalid search request", e.Message);
        }
        catch (QueryParseException e)
        {
            return Problems.BadRequest(ProblemCodes.InvalidQuery, "Invalid query", e.Message, e.Position >= 0 ? new() { ["position"] = e.Position } : null);
        }
    }
}
