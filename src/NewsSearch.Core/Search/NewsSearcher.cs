using System.Diagnostics;
using NewsSearch.Core.Highlight;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Search;

/// <summary>
/// The search entry point of the API and the CLI: parse, search one snapshot (rerun as OR when the default AND
/// finds nothing), optionally boost recent hits, load the page's articles from the store and highlight them.
/// Thread-safe; keep one per process.
/// </summary>
public sealed partial class NewsSearcher
{
    /// <summary>Deepest result reachable by paging (page · pageSize); deeper pages are refused, like most engines.</summary>
    public const int MaxResultWindow = 10_000;

    /// <summary>How many of the best hits the recency boost reorders (at least the requested page's depth).</summary>
    public const int RecencyWindow = 200;

    /// <summary>w in score × (1 + w · 2^(−age / half-life)): a hit published today scores up to twice as high.</summary>
    public const float RecencyWeight = 1.0f;

    /// <summary>Most related articles returned.</summary>
    public const int MaxRelated = 50;

    private readonly QueryParser _parser;
    private readonly Highlighter _highlighter;
    private readonly MoreLikeThis _moreLikeThis;
    private readonly TimeProvider _time;

    public NewsSearcher(SearchAnalyzers analyzers, QueryParserOptions? parserOptions = null,
        HighlighterOptions? highlighterOptions = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(analyzers);
        _parser = new QueryParser(analyzers.Query, parserOptions);
        _highlighter = new Highlighter(analyzers.Index, highlighterOptions);
        _moreLikeThis = new MoreLikeThis(analyzers.Index, titleBoost: _parser.Options.TitleBoost);
        _time = time ?? TimeProvider.System;
    }

    public QueryParser Parser => _parser;

    public Highlighter Highlighter => _highlighter;

    public MoreLikeThis MoreLikeThis => _moreLikeThis;

    /// <summary>Parses a query as <see cref="Search"/> would; throws <see cref="QueryParseException"/> on bad syntax.</summary>
    public Query Parse(string q) => _parser.Parse(q);

    /// <summary>Runs a request on one snapshot of any engine. Throws <see cref="ArgumentException"/> for
    /// out-of-range paging, fragment size or recency, an empty/too long query (before parsing) or bad filters, and
    /// <see cref="QueryParseException"/> for bad syntax.</summary>
    public SearchResponse Search(IEngineSnapshot snapshot, ArticleStore store, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        Validate(request);

        var parsed = _parser.ParseWithFallback(request.Query);
        int wanted = request.Page * request.PageSize;
        bool recency = request.Recency is not null && request.Sort == HitOrder.Relevance;
        var r = Rank(snapshot, parsed, new EngineSearchRequest(parsed.Query, recency ? Math.Max(wanted, RecencyWindow) : wanted)
        {
            Filter = SearchFilters.Build(request),
            Order = request.Sort,
            Facets = request.Facets,
            Explain = request.Explain,
        });
        IReadOnlyList<EngineHit> ranked = r.Result.Hits;
        if (recency)
        {
            long today = RecencyBoost.DayNumber(DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime));
            ranked = RecencyBoost.Rescore(ranked, today, request.Recency!.Value, RecencyWeight);
        }

        int from = (request.Page - 1) * request.PageSize;
        var page = ranked.Skip(from).Take(request.PageSize).ToArray();
        var hits = LoadHits(store, page, r.Query, request.FragmentSize);
        return new SearchResponse(request.Query, r.Result.TotalHits, clock.Elapsed.TotalMilliseconds, request.Page,
            request.PageSize, hits)
        {
            Facets = SearchFilters.FacetsOf(request, r.Result),
            AnalyzedQuery = r.Proximity is null ? r.Query.ToString() : $"{r.Query} | proximity bonus: {r.Proximity}",
            Fallback = r.Fallback,
            Partial = r.Result.Partial,
            PartialReason = r.Result.PartialReason,
        };
    }

    /// <summary>The best <paramref name="n"/> hits of a parsed query by relevance, as a search ranks them.</summary>
    public static RankedHits Rank(IEngineSnapshot snapshot, ParsedQuery parsed, int n) =>
        Rank(snapshot, parsed, new EngineSearchRequest(parsed.Query, n));

    /// <summary>A parsed query as a search ranks it, on any engine: <paramref name="request"/> with the parsed query
    /// (its OR form when it finds nothing), and the proximity bonus as the engine's rescore of the best
    /// max(TopN, <see cref="ProximityWindow"/>) hits (first-pass score + the proximity query's score, Lucene's
    /// QueryRescorer). <paramref name="request"/>'s own query is replaced.</summary>
    public static RankedHits Rank(IEngineSnapshot snapshot, ParsedQuery parsed, EngineSearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(request);
        var asked = request with
        {
            Query = parsed.Query,
            Rescore = parsed.Proximity is { } proximity ? new EngineRescore(proximity, ProximityWindow) : null,
        };
        var result = snapshot.Search(asked);
        var query = parsed.Query;
        string? fallback = null;
        if (result.TotalHits == 0 && parsed.OrFallback is { } or)
        {
            query = or;
            result = snapshot.Search(asked with { Query = or });
            fallback = "or";
        }
        return new RankedHits(query, parsed.Proximity, result, fallback);
    }

    /// <summary>How many of the best hits the proximity bonus rescores at least (else the depth of the requested page,
    /// as Elasticsearch's rescore window): collecting more than the page would cost every common-word search.</summary>
    public const int ProximityWindow = 10;

    /// <summary>Articles like article <paramref name="id"/> (more-like-this over the word fields, document
    /// frequencies from the snapshot), best first; null when the store has no such article.</summary>
    public RelatedResponse? Related(IEngineSnapshot snapshot, ArticleStore store, string id, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(store);
        if (count < 1 || count > MaxRelated)
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"count must be between 1 and {MaxRelated} (got {count}).");
        var clock = Stopwatch.StartNew();
        var stored = store.Get(id);
        if (stored is null) return null;
        var a = stored.Article;
        var query = _moreLikeThis.Build(a.Id, a.Title, a.Body, snapshot.DocFreq, snapshot.NumDocs);
        if (query is null) return new RelatedResponse(id, null, clock.Elapsed.TotalMilliseconds, []);
        var result = snapshot.Search(new EngineSearchRequest(query, count));
        var hits = LoadHits(store, result.Hits.ToArray(), query, null);
        return new RelatedResponse(id, query.ToString(), clock.Elapsed.TotalMilliseconds, hits);
    }

    /// <summary>The whole article with the matches of <paramref name="q"/> marked (title and full body).</summary>
    public ArticleHighlight HighlightArticle(Article article, string q)
    {
        ArgumentNullException.ThrowIfNull(article);
        ValidateQuery(q);
        var query = _parser.Parse(q);
        var terms = HighlightTerms.Extract(query);
        var titleSpans = _highlighter.FindSpans(article.Title, terms, NewsFields.Title);
        var bodySpans = _highlighter.FindSpans(article.Body, terms, NewsFields.Body);
        return new ArticleHighlight(q, query.ToString(), Highlighter.HighlightAll(article.Title, titleSpans),
            Highlighter.HighlightAll(article.Body, bodySpans),
            new MatchOffsets(MatchOffsets.Of(titleSpans), MatchOffsets.Of(bodySpans)));
    }

    private List<SearchHit> LoadHits(ArticleStore store, EngineHit[] page, Query query, int? fragmentSize)
    {
        var hits = new List<SearchHit>(page.Length);
        if (page.Length == 0) return hits;
        var ids = new string[page.Length];
        for (int i = 0; i < page.Length; i++) ids[i] = page[i].Id;
        var articles = store.GetMany(ids);
        var terms = HighlightTerms.Extract(query);
        for (int i = 0; i < ids.Length; i++)
        {
            // The store is the source of truth: an article deleted since this snapshot is left out.
            if (!articles.TryGetValue(ids[i], out var stored)) continue;
            var a = stored.Article;
            var titleSpans = _highlighter.FindSpans(a.Title, terms, NewsFields.Title);
            var bodySpans = _highlighter.FindSpans(a.Body, terms, NewsFields.Body);
            var highlights = new SearchHighlights(Highlighter.HighlightAll(a.Title, titleSpans),
                _highlighter.BestFragments(a.Body, bodySpans, fragmentSize));
            hits.Add(new SearchHit(a.Id, a.Title, a.Authors, a.PublishedAt, a.Section, page[i].Score, highlights)
            {
                Matches = new MatchOffsets(MatchOffsets.Of(titleSpans), MatchOffsets.Of(bodySpans)),
                Explanation = page[i].Explanation,
            });
        }
        return hits;
    }

    public static void Validate(SearchRequest request)
    {
        ValidateQuery(request.Query);
        if (request.Page < 1)
            throw new SearchRequestException(SearchRequestException.PageOutOfRange, $"page must be at least 1 (got {request.Page}).");
        if (request.PageSize < 1 || request.PageSize > SearchRequest.MaxPageSize)
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"pageSize must be between 1 and {SearchRequest.MaxPageSize} (got {request.PageSize}).");
        if ((long)request.Page * request.PageSize > MaxResultWindow)
            throw new SearchRequestException(SearchRequestException.PageOutOfRange, $"page × pageSize must be at most {MaxResultWindow} (got page {request.Page}, pageSize {request.PageSize}).");
        if (request.FragmentSize is { } size && (size < Highlighter.MinFragmentSize || size > Highlighter.MaxFragmentSize))
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"fragmentSize must be between {Highlighter.MinFragmentSize} and {Highlighter.MaxFragmentSize} (got {size}).");
        if (request.Recency is { } r && !(r > 0 && r <= SearchRequest.MaxRecencyDays))
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"recency (a half-life in days) must be greater than 0 and at most {SearchRequest.MaxRecencyDays} (got {r}).");
        SearchFilters.Validate(request);
    }

    /// <summary>Refuses an empty or too long query before it reaches the parser.</summary>
    public static void ValidateQuery(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
            throw new SearchRequestException(SearchRequestException.MissingQuery, "The query must not be empty.");
        if (q.Length > SearchRequest.MaxQueryLength)
            throw new SearchRequestException(SearchRequestException.QueryTooLong, $"The query is {q.Length} characters long; at most {SearchRequest.MaxQueryLength} are allowed.");
    }
}
