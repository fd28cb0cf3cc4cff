namespace NewsSearch.Core.Search;

/// <summary>A search as the API and CLI ask for it. Pages are 1-based.</summary>
public sealed record SearchRequest(string Query, int Page = 1, int PageSize = 10)
{
    public const int MaxPageSize = 100;
    public const int MaxQueryLength = 1000;
}

/// <summary>The response of GET /api/v1/search and `newssearch search --json`.</summary>
public sealed record SearchResponse(string Query, long TotalHits, double TookMs, int Page, int PageSize, IReadOnlyList<SearchHit> Hits);

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
