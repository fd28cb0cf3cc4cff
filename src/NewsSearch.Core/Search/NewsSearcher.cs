using System.Diagnostics;
using NewsSearch.Core.Highlight;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Search;

/// <summary>
/// The search entry point of the API and the CLI: parse, search one snapshot, load the page's articles from the
/// store and highlight them. Thread-safe; keep one per process.
/// </summary>
public sealed partial class NewsSearcher
{
    /// <summary>Deepest result reachable by paging (page · pageSize); deeper pages are refused, like most engines.</summary>
    public const int MaxResultWindow = 10_000;

    private readonly QueryParser _parser;
    private readonly Highlighter _highlighter;

    public NewsSearcher(SearchAnalyzers analyzers, QueryParserOptions? parserOptions = null,
        HighlighterOptions? highlighterOptions = null)
    {
        ArgumentNullException.ThrowIfNull(analyzers);
        _parser = new QueryParser(analyzers.Query, parserOptions);
        _highlighter = new Highlighter(analyzers.Index, highlighterOptions);
    }

    public QueryParser Parser => _parser;

    public Highlighter Highlighter => _highlighter;

    /// <summary>Parses a query as <see cref="Search"/> would; throws <see cref="QueryParseException"/> on bad syntax.</summary>
    public Query Parse(string q) => _parser.Parse(q);

    /// <summary>Runs a request on one snapshot of any engine. Throws <see cref="ArgumentException"/> for
    /// out-of-range paging, an empty/too long query or bad filters, and <see cref="QueryParseException"/> for bad
    /// syntax.</summary>
    public SearchResponse Search(IEngineSnapshot snapshot, ArticleStore store, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        Validate(request);

        var query = _parser.Parse(request.Query);
        int wanted = request.Page * request.PageSize;
        var result = snapshot.Search(new EngineSearchRequest(query, wanted)
        {
            Filter = SearchFilters.Build(request),
            Order = request.Sort,
            Facets = request.Facets,
        });

        int from = (request.Page - 1) * request.PageSize;
        var page = result.Hits.Skip(from).ToArray();
        var ids = new string[page.Length];
        for (int i = 0; i < page.Length; i++) ids[i] = page[i].Id;

        var hits = new List<SearchHit>(page.Length);
        if (ids.Length > 0)
        {
            var articles = store.GetMany(ids);
            var terms = HighlightTerms.Extract(query);
            for (int i = 0; i < ids.Length; i++)
            {
                // The store is the source of truth: an article deleted since this snapshot is left out.
                if (!articles.TryGetValue(ids[i], out var stored)) continue;
                var a = stored.Article;
                var highlights = new SearchHighlights(
                    _highlighter.HighlightAll(a.Title, terms, NewsFields.Title),
                    _highlighter.BestFragments(a.Body, terms, NewsFields.Body));
                hits.Add(new SearchHit(a.Id, a.Title, a.Authors, a.PublishedAt, a.Section, page[i].Score, highlights));
            }
        }
        return new SearchResponse(request.Query, result.TotalHits, clock.Elapsed.TotalMilliseconds, request.Page,
            request.PageSize, hits) { Facets = SearchFilters.FacetsOf(request, result) };
    }

    public static void Validate(SearchRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
            throw new SearchRequestException(SearchRequestException.MissingQuery, "The query must not be empty.");
        if (request.Query.Length > SearchRequest.MaxQueryLength)
            throw new SearchRequestException(SearchRequestException.QueryTooLong, $"The query is {request.Query.Length} characters long; at most {SearchRequest.MaxQueryLength} are allowed.");
        if (request.Page < 1)
            throw new SearchRequestException(SearchRequestException.PageOutOfRange, $"page must be at least 1 (got {request.Page}).");
        if (request.PageSize < 1 || request.PageSize > SearchRequest.MaxPageSize)
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"pageSize must be between 1 and {SearchRequest.MaxPageSize} (got {request.PageSize}).");
        if ((long)request.Page * request.PageSize > MaxResultWindow)
            throw new SearchRequestException(SearchRequestException.PageOutOfRange, $"page × pageSize must be at most {MaxResultWindow} (got page {request.Page}, pageSize {request.PageSize}).");
        SearchFilters.Validate(request);
    }
}
