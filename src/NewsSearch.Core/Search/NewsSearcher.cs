using System.Diagnostics;
using NewsSearch.Core.Highlight;
using NewsSearch.Core.Index;
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
    private readonly BM25Similarity _similarity;
    private readonly MoreLikeThis _moreLikeThis;
    private readonly TimeProvider _time;

    public NewsSearcher(SearchAnalyzers analyzers, QueryParserOptions? parserOptions = null,
        HighlighterOptions? highlighterOptions = null, BM25Similarity? similarity = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(analyzers);
        _parser = new QueryParser(analyzers.Query, parserOptions);
        _highlighter = new Highlighter(analyzers.Index, highlighterOptions);
        _similarity = similarity ?? BM25Similarity.Default;
        _moreLikeThis = new MoreLikeThis(analyzers.Index, titleBoost: _parser.Options.TitleBoost);
        _time = time ?? TimeProvider.System;
    }

    public QueryParser Parser => _parser;

    public Highlighter Highlighter => _highlighter;

    public MoreLikeThis MoreLikeThis => _moreLikeThis;

    /// <summary>Parses a query as <see cref="Search"/> would; throws <see cref="QueryParseException"/> on bad syntax.</summary>
    public Query Parse(string q) => _parser.Parse(q);

    /// <summary>Runs a request. Throws <see cref="ArgumentException"/> for out-of-range paging, fragment size or
    /// recency, or an empty/too long query (before parsing), and <see cref="QueryParseException"/> for bad syntax.</summary>
    public SearchResponse Search(DirectoryReader snapshot, ArticleStore store, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        Validate(request);

        var searcher = new IndexSearcher(snapshot, _similarity);
        int wanted = request.Page * request.PageSize;
        var r = Rank(searcher, _parser.ParseWithFallback(request.Query), request.Recency is null ? wanted : Math.Max(wanted, RecencyWindow));
        var query = r.Query;
        var top = r.Top;
        string? fallback = r.Fallback;
        ScoreDoc[] ranked = r.Ranked;
        long today = RecencyBoost.DayNumber(DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime));
        if (request.Recency is { } halfLife)
            ranked = RecencyBoost.Rescore(ranked, doc => PublishedDay(searcher, doc), today, halfLife, RecencyWeight);

        int from = (request.Page - 1) * request.PageSize;
        var page = ranked.AsSpan(Math.Min(from, ranked.Length), Math.Max(0, Math.Min(request.PageSize, ranked.Length - from)));
        Func<int, Explanation>? explain = request.Explain
            ? doc => ExplainHit(searcher, query, r.Proximity, doc, request.Recency, today)
            : null;
        var hits = LoadHits(searcher, store, page, query, request.FragmentSize, explain);
        return new SearchResponse(request.Query, top.TotalHits, clock.Elapsed.TotalMilliseconds, request.Page,
            request.PageSize, hits)
        {
            AnalyzedQuery = r.Proximity is null ? query.ToString() : $"{query} | proximity bonus: {r.Proximity}",
            Fallback = fallback,
            Partial = searcher.PartialReason is not null,
            PartialReason = searcher.PartialReason,
        };
    }

    /// <summary>The best <paramref name="n"/> hits of a parsed query as a search ranks them: the query, or its OR
    /// form when it finds nothing; then the proximity bonus added over the best
    /// max(<paramref name="n"/>, <see cref="ProximityWindow"/>) hits (a rescoring any engine can reproduce: first-pass
    /// score + the proximity query's score). <see cref="RankedHits.Ranked"/> holds at most
    /// max(n, ProximityWindow) hits, best first.</summary>
    public static RankedHits Rank(IndexSearcher searcher, ParsedQuery parsed, int n)
    {
        int window = parsed.Proximity is null ? n : Math.Max(n, ProximityWindow);
        var query = parsed.Query;
        var top = searcher.Search(query, window);
        string? fallback = null;
        if (top.TotalHits == 0 && parsed.OrFallback is { } or)
        {
            query = or;
            top = searcher.Search(query, window);
            fallback = "or";
        }
        var ranked = parsed.Proximity is { } proximity ? searcher.Rescore(top.ScoreDocs, proximity) : top.ScoreDocs;
        return new RankedHits(query, parsed.Proximity, top, ranked, fallback);
    }

    /// <summary>How many of the best hits the proximity bonus rescores at least (else the depth of the requested page,
    /// as Elasticsearch's rescore window): collecting more than the page would cost every common-word search.</summary>
    public const int ProximityWindow = 10;

    /// <summary>Articles like article <paramref name="id"/> (more-like-this over the word fields), best first; null
    /// when the store has no such article.</summary>
    public RelatedResponse? Related(DirectoryReader snapshot, ArticleStore store, string id, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(store);
        if (count < 1 || count > MaxRelated)
            throw new ArgumentException($"count must be between 1 and {MaxRelated} (got {count}).");
        var clock = Stopwatch.StartNew();
        var stored = store.Get(id);
        if (stored is null) return null;
        var a = stored.Article;
        var query = _moreLikeThis.Build(a.Id, a.Title, a.Body, (f, t) => snapshot.DocFreq(f, t), snapshot.NumDocs);
        if (query is null) return new RelatedResponse(id, null, clock.Elapsed.TotalMilliseconds, []);
        var searcher = new IndexSearcher(snapshot, _similarity);
        var top = searcher.Search(query, count);
        var hits = LoadHits(searcher, store, top.ScoreDocs, query, null, null);
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

    private List<SearchHit> LoadHits(IndexSearcher searcher, ArticleStore store, ReadOnlySpan<ScoreDoc> page, Query query,
        int? fragmentSize, Func<int, Explanation>? explain)
    {
        var hits = new List<SearchHit>(page.Length);
        if (page.Length == 0) return hits;
        var ids = new string[page.Length];
        for (int i = 0; i < page.Length; i++) ids[i] = searcher.GetId(page[i].Doc);
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
                Explanation = explain?.Invoke(page[i].Doc),
            });
        }
        return hits;
    }

    private static long? PublishedDay(IndexSearcher searcher, int globalDoc)
    {
        var (leaf, doc) = searcher.Resolve(globalDoc);
        long v = leaf.GetNumericValue(NewsFields.PublishedDay, doc);
        return v == long.MinValue ? null : v;
    }

    private static Explanation ExplainHit(IndexSearcher searcher, Query query, Query? proximity, int globalDoc, double? recency, long today)
    {
        var e = searcher.Explain(query, globalDoc);
        if (proximity is not null && searcher.Explain(proximity, globalDoc) is { Match: true } bonus)
            e = new Explanation(true, e.Value + bonus.Value, "query score + proximity bonus", [e, bonus]);
        if (recency is not { } halfLife || PublishedDay(searcher, globalDoc) is not { } day) return e;
        float factor = RecencyBoost.Factor(today - day, halfLife, RecencyWeight);
        return new Explanation(e.Match, e.Value * factor, "recency boost: score × (1 + w · 2^(−age / half-life))",
        [
            e,
            Explanation.Leaf(factor, $"factor: age {Math.Max(0, today - day)} days, half-life {halfLife} days, w {RecencyWeight}"),
        ]);
    }

    public static void Validate(SearchRequest request)
    {
        ValidateQuery(request.Query);
        if (request.Page < 1)
            throw new ArgumentException($"page must be at least 1 (got {request.Page}).");
        if (request.PageSize < 1 || request.PageSize > SearchRequest.MaxPageSize)
            throw new ArgumentException($"pageSize must be between 1 and {SearchRequest.MaxPageSize} (got {request.PageSize}).");
        if ((long)request.Page * request.PageSize > MaxResultWindow)
            throw new ArgumentException($"page × pageSize must be at most {MaxResultWindow} (got page {request.Page}, pageSize {request.PageSize}).");
        if (request.FragmentSize is { } size && (size < Highlighter.MinFragmentSize || size > Highlighter.MaxFragmentSize))
            throw new ArgumentException($"fragmentSize must be between {Highlighter.MinFragmentSize} and {Highlighter.MaxFragmentSize} (got {size}).");
        if (request.Recency is { } r && !(r > 0 && r <= SearchRequest.MaxRecencyDays))
            throw new ArgumentException($"recency (a half-life in days) must be greater than 0 and at most {SearchRequest.MaxRecencyDays} (got {r}).");
    }

    /// <summary>Refuses an empty or too long query before it reaches the parser.</summary>
    public static void ValidateQuery(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
            throw new ArgumentException("The query must not be empty.");
        if (q.Length > SearchRequest.MaxQueryLength)
            throw new ArgumentException($"The query is {q.Length} characters long; at most {SearchRequest.MaxQueryLength} are allowed.");
    }
}
