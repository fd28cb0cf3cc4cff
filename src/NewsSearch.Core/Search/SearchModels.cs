using NewsSearch.Core.Highlight;

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
    /// <summary>Longest recency half-life accepted, in days (a century).</summary>
    public const double MaxRecencyDays = 36_500;

    /// <summary>Return each hit's score breakdown (<see cref="SearchHit.Explanation"/>).</summary>
    public bool Explain { get; init; }

    /// <summary>Recency boost half-life in days (null: none): score × (1 + w · 2^(−age / half-life)), age in days
    /// since publication, applied to the best <see cref="NewsSearcher.RecencyWindow"/> hits.</summary>
    public double? Recency { get; init; }

    /// <summary>Snippet length in chars (null: the highlighter's default, 120), from
    /// <see cref="Highlighter.MinFragmentSize"/> to <see cref="Highlighter.MaxFragmentSize"/>.</summary>
    public int? FragmentSize { get; init; }
}

/// <summary>The response of GET /api/v1/search and `newssearch search --json`.</summary>
public sealed record SearchResponse(string Query, long TotalHits, double TookMs, int Page, int PageSize, IReadOnlyList<SearchHit> Hits)
{
    /// <summary>Per requested facet ("month", "author", "section") its top values by count over all matches;
    /// null when none was asked for.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>>? Facets { get; init; }
    /// <summary>The query as the engine understood it (analyzed words, synonyms, proximity bonus); the OR form
    /// when <see cref="Fallback"/> is set.</summary>
    public string? AnalyzedQuery { get; init; }

    /// <summary>"or" when the default-AND query found nothing and its clauses were rerun as OR; otherwise null.</summary>
    public string? Fallback { get; init; }

    /// <summary>True when a limit kept the search from finding every match (see <see cref="PartialReason"/>).</summary>
    public bool Partial { get; init; }

    public string? PartialReason { get; init; }
}

public sealed record SearchHit(
    string Id,
    string Title,
    IReadOnlyList<string> Authors,
    DateOnly? PublishedAt,
    string? Section,
    float Score,
    SearchHighlights Highlights)
{
    /// <summary>Where the query matched, per field: UTF-16 start and length into Title and Body as stored.</summary>
    public MatchOffsets? Matches { get; init; }

    /// <summary>The score breakdown, when the request asked for it.</summary>
    public Explanation? Explanation { get; init; }
}

/// <summary>HTML-escaped text with &lt;mark&gt; around matches: the whole title, and body snippets best first.</summary>
public sealed record SearchHighlights(string Title, IReadOnlyList<string> Body);

/// <summary>A match in a stored field: UTF-16 start and length.</summary>
public readonly record struct TextRange(int Start, int Length);

public sealed record MatchOffsets(IReadOnlyList<TextRange> Title, IReadOnlyList<TextRange> Body)
{
    internal static IReadOnlyList<TextRange> Of(List<MatchSpan> spans) =>
        spans.ConvertAll(s => new TextRange(s.Start, s.End - s.Start));
}

/// <summary>An article with a query's matches marked everywhere (GET /api/v1/articles/{id}?q=).</summary>
public sealed record ArticleHighlight(string Query, string AnalyzedQuery, string Title, string Body, MatchOffsets Matches);

/// <summary>Articles like one article (GET /api/v1/articles/{id}/related).</summary>
public sealed record RelatedResponse(string Id, string? AnalyzedQuery, double TookMs, IReadOnlyList<SearchHit> Hits);

/// <summary>What <see cref="NewsSearcher.Rank"/> ran and found: the query that produced the hits (the OR form
/// after a fallback), the proximity bonus query, and the engine's result (hits after the bonus, best first).</summary>
public sealed record RankedHits(Query Query, Query? Proximity, EngineSearchResult Result, string? Fallback);

/// <summary>A query the parser refused, with the position of the problem (0-based UTF-16 index) when known.</summary>
public sealed class QueryParseException(string message, int position = -1) : Exception(message)
{
    public int Position { get; } = position;
}
