namespace NewsSearch.Core.Search;

/// <summary>A search as the API and CLI ask for it. Pages are 1-based.</summary>
public sealed record SearchRequest(string Query, int Page = 1, int PageSize = 10)
{
    public const int MaxPageSize = 100;
    public const int MaxQueryLength = 1000;

    /// <summary>Only articles published on or after this day.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Only articles published on or before this day.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Only articles with this author (reporter or correspondent), exactly.</summary>
    public string? Author { get; init; }

    /// <summary>Only articles of this section, exactly.</summary>
    public string? Section { get; init; }

    /// <summary>Only articles of this kind: article, continuation or notice.</summary>
    public string? Kind { get; init; }

    /// <summary>Order of hits (<see cref="SearchFilters.ParseSort"/> reads "relevance", "newest", "oldest").</summary>
    public HitOrder Sort { get; init; } = HitOrder.Relevance;

    /// <summary>Facets to count over all matches (<see cref="SearchFilters.ParseFacets"/> reads "month,author,section").</summary>
    public FacetFields Facets { get; init; } = FacetFields.None;
}

/// <summary>The response of GET /api/v1/search and `newssearch search --json`.</summary>
public sealed record SearchResponse(string Query, long TotalHits, double TookMs, int Page, int PageSize, IReadOnlyList<SearchHit> Hits)
{
    /// <summary>Per requested facet ("month", "author", "section") its top values by count over all matches;
    /// null when none was asked for.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>>? Facets { get; init; }
}

public sealed record SearchHit(
    string Id,
    string Title,
    IReadOnlyList<string> Authors,
    DateOnly? PublishedAt,
    string? Section,
    float Score,
    SearchHighlights Highlights);

/// <summary>HTML-escaped text with &lt;mark&gt; around matches: the whole title, and body snippets best first.</summary>
public sealed record SearchHighlights(string Title, IReadOnlyList<string> Body);

/// <summary>A query the parser refused, with the position of the problem (0-based UTF-16 index) when known.</summary>
public sealed class QueryParseException(string message, int position = -1) : Exception(message)
{
    public int Position { get; } = position;
}
