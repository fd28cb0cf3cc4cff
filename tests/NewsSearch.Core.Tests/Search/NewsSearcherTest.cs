using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Search;

/// <summary>The high-level search over the fixture corpus: in-memory index, real SQLite store.</summary>
[TestFixture]
public class NewsSearcherTest
{
    private string _dir = "";
    private ArticleStore _store = null!;
    private IEngineSnapshot _reader = null!;
    private readonly NewsSearcher _searcher = new(TestAnalyzers.Analyzers);

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "newssearch-search-" + Guid.NewGuid().ToString("N"));
        _store = new ArticleStore(_dir);
        var docs = TestCorpus.Load(TestCorpus.FixturePath("corpus.json"));
        _store.UpsertMany(docs.Select(d => new Article
        {
            Id = d.Id, Title = d.Title, Body = d.Body, Reporters = d.Authors ?? [], Section = d.Section, PublishedAt = d.Date,
        }).ToList());
        // The index still holds "economy" but the store has deleted it since: the hit is left out.
        _store.Delete("economy");
        _reader = new ReaderSnapshot(TestCorpus.Open(docs, f => TestAnalyzers.For(f, false)));
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _store.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Test]
    public void TestBikeArticleFirstWithMarkedSnippet()
    {
        var r = _searcher.Search(_reader, _store, new SearchRequest("公共自行车"));
        Assert.That(r.TotalHits, Is.EqualTo(1));
        var hit = r.Hits.Single();
        Assert.That(hit.Id, Is.EqualTo("bike-refund"));
        Assert.That(hit.Authors, Is.EqualTo(new[] { "李逸峰" }));
        Assert.That(hit.PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 5)));
        Assert.That(hit.Highlights.Title, Is.EqualTo("<mark>公共自行车</mark>押金退还启动"));
        Assert.That(hit.Highlights.Body[0], Does.Contain("<mark>公共自行车</mark>"));
        Assert.That(r.TookMs, Is.GreaterThan(0));
    }

    [Test]
    public void TestSnippetEscapesMarkup()
    {
        var r = _searcher.Search(_reader, _store, new SearchRequest("图书馆"));
        var body = r.Hits.Single().Highlights.Body[0];
        Assert.That(body, Does.Contain("&lt;script&gt;"));
        Assert.That(body, Does.Not.Contain("<script>"));
        Assert.That(body, Does.Contain("<mark>图书馆</mark>"));
    }

    [Test]
    public void TestPagesSliceTheRanking()
    {
        var all = _searcher.Search(_reader, _store, new SearchRequest("自行车", 1, 10));
        var page2 = _searcher.Search(_reader, _store, new SearchRequest("自行车", 2, 2));
        Assert.That(all.TotalHits, Is.EqualTo(3));
        Assert.That(page2.TotalHits, Is.EqualTo(3));
        Assert.That(page2.Hits.Select(h => h.Id), Is.EqualTo(all.Hits.Skip(2).Select(h => h.Id)));
        Assert.That(_searcher.Search(_reader, _store, new SearchRequest("自行车", 5, 2)).Hits, Is.Empty);
    }

    [Test]
    public void TestArticleDeletedFromStoreIsLeftOut()
    {
        var r = _searcher.Search(_reader, _store, new SearchRequest("经济"));
        Assert.That(r.Hits.Select(h => h.Id), Is.EqualTo(new[] { "delegation" }));
    }

    [TestCase("", 1, 10, "empty")]
    [TestCase("   ", 1, 10, "empty")]
    [TestCase("经济", 0, 10, "page")]
    [TestCase("经济", 1, 0, "pageSize")]
    [TestCase("经济", 1, 101, "pageSize")]
    [TestCase("经济", 1000, 100, "page")]
    public void TestBadRequestsAreArgumentErrors(string q, int page, int size, string messagePart)
    {
        var e = Assert.Throws<SearchRequestException>(() => _searcher.Search(_reader, _store, new SearchRequest(q, page, size)));
        Assert.That(e!.Message, Does.Contain(messagePart));
    }

    [Test]
    public void TestTooLongQueryIsRefused()
    {
        var q = new string('经', SearchRequest.MaxQueryLength + 1);
        Assert.That(Assert.Throws<SearchRequestException>(() => _searcher.Search(_reader, _store, new SearchRequest(q)))!.Code, Is.EqualTo(SearchRequestException.QueryTooLong));
    }

    [Test]
    public void TestBadSyntaxIsQueryParseException() =>
        Assert.Throws<QueryParseException>(() => _searcher.Search(_reader, _store, new SearchRequest("\"公共")));

    [Test]
    public void TestConcurrentSearchesAgreeWithSequentialOnes()
    {
        string[] queries = ["公共自行车", "自行车", "健宁", "经济 发展", "\"押金退还\"", "健", "section:城市", "VR眼镜"];
        var expected = queries.ToDictionary(q => q, q => Render(_searcher.Search(_reader, _store, new SearchRequest(q))));
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            string q = queries[i % queries.Length];
            string got = Render(_searcher.Search(_reader, _store, new SearchRequest(q)));
            if (got != expected[q]) failures.Add($"{q}: {got}");
        });
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void TestAndThatFindsNothingIsRerunAsOrWithAndWithoutSynonyms()
    {
        // The article says 医疗保险 and 报销, never 医保 or 新规.
        var plain = _searcher.Search(_reader, _store, new SearchRequest("医保 报销 新规"));
        Assert.That(plain.Fallback, Is.EqualTo("or"));
        Assert.That(plain.Hits.Select(h => h.Id), Is.EqualTo(new[] { "insurance" }));
        Assert.That(plain.AnalyzedQuery, Does.Not.Contain("医疗"));

        var withSynonyms = new NewsSearcher(TestAnalyzers.Analyzers, new QueryParserOptions { Synonyms = SearchesTest.Synonyms });
        var expanded = withSynonyms.Search(_reader, _store, new SearchRequest("医保 报销 新规"));
        Assert.That(expanded.Fallback, Is.EqualTo("or"));
        Assert.That(expanded.Hits.Select(h => h.Id), Is.EqualTo(new[] { "insurance" }));
        Assert.That(expanded.AnalyzedQuery, Does.Contain("\"医疗 疗保 保险\""), "the analyzed query shows the synonym");
        Assert.That(expanded.Hits[0].Score, Is.GreaterThan(plain.Hits[0].Score), "the synonym matches too");

        var both = withSynonyms.Search(_reader, _store, new SearchRequest("医保 报销"));
        Assert.That(both.Fallback, Is.Null, "with the synonym every word matches: no fallback");
        Assert.That(both.Hits.Select(h => h.Id), Is.EqualTo(new[] { "insurance" }));
        Assert.That(_searcher.Search(_reader, _store, new SearchRequest("+医保 +报销")).TotalHits, Is.EqualTo(0), "explicit AND never falls back");
    }

    [Test]
    public void TestProximityBonusPutsWordsSideBySideFirst()
    {
        var noBonus = new NewsSearcher(TestAnalyzers.Analyzers, new QueryParserOptions { ProximityWeight = 0 });
        string[] Ids(NewsSearcher s) => s.Search(_reader, _store, new SearchRequest("社区 医院")).Hits.Select(h => h.Id).ToArray();
        Assert.That(Ids(noBonus), Is.EqualTo(new[] { "clinic-far", "clinic-near" }), "the shorter article wins on BM25 alone");
        Assert.That(Ids(_searcher), Is.EqualTo(new[] { "clinic-near", "clinic-far" }));
    }

    [Test]
    public void TestExplainGivesEachHitsScoreBreakdown()
    {
        var r = _searcher.Search(_reader, _store, new SearchRequest("社区 医院") { Explain = true });
        foreach (var hit in r.Hits)
        {
            Assert.That(hit.Explanation, Is.Not.Null);
            Assert.That(hit.Explanation!.Value, Is.EqualTo(hit.Score).Within(1e-5));
            Assert.That(hit.Explanation.ToString(), Does.Contain("BM25"));
        }
        Assert.That(r.Hits[0].Explanation!.ToString(), Does.Contain("~8"), "the proximity clause is explained");
        Assert.That(_searcher.Search(_reader, _store, new SearchRequest("社区")).Hits[0].Explanation, Is.Null);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Test]
    public void TestRecencyBoostRanksRecentArticlesHigher()
    {
        var searcher = new NewsSearcher(TestAnalyzers.Analyzers, time: new FixedTime(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)));
        var plain = searcher.Search(_reader, _store, new SearchRequest("body:社区"));
        var recent = searcher.Search(_reader, _store, new SearchRequest("body:社区") { Recency = 7, Explain = true });
        Assert.That(plain.Hits.Take(2).Select(h => h.Id), Is.Not.EquivalentTo(new[] { "clinic-near", "clinic-far" }));
        Assert.That(recent.Hits.Take(2).Select(h => h.Id), Is.EquivalentTo(new[] { "clinic-near", "clinic-far" }));
        Assert.That(recent.TotalHits, Is.EqualTo(plain.TotalHits));
        var near = recent.Hits.Single(h => h.Id == "clinic-near");
        float factor = RecencyBoost.Factor(5, 7, NewsSearcher.RecencyWeight);
        Assert.That(near.Score, Is.EqualTo(plain.Hits.Single(h => h.Id == "clinic-near").Score * factor).Within(1e-4));
        Assert.That(near.Explanation!.Description, Does.StartWith("recency boost"));
        Assert.That(near.Explanation.Value, Is.EqualTo(near.Score).Within(1e-4));
    }

    [TestCase(19, null, "fragmentSize")]
    [TestCase(1001, null, "fragmentSize")]
    [TestCase(null, 0.0, "recency")]
    [TestCase(null, -3.0, "recency")]
    [TestCase(null, double.NaN, "recency")]
    [TestCase(null, 1e9, "recency")]
    public void TestOutOfRangeFragmentSizeOrRecencyIsAnArgumentError(int? size, double? recency, string part)
    {
        var e = Assert.Throws<SearchRequestException>(() =>
            _searcher.Search(_reader, _store, new SearchRequest("社区") { FragmentSize = size, Recency = recency }));
        Assert.That(e!.Message, Does.Contain(part));
        Assert.That(e.Code, Is.EqualTo(SearchRequestException.InvalidParameter));
    }

    [Test]
    public void TestHitsCarryMatchOffsetsIntoTitleAndBody()
    {
        var hit = _searcher.Search(_reader, _store, new SearchRequest("公共自行车")).Hits.Single();
        var a = _store.Get("bike-refund")!.Article;
        Assert.That(hit.Matches!.Title, Is.EqualTo(new[] { new TextRange(0, 5) }));
        Assert.That(hit.Matches.Body, Is.EqualTo(new[] { new TextRange(a.Body.IndexOf("公共自行车", StringComparison.Ordinal), 5) }));
    }

    [Test]
    public void TestWholeArticleHighlighted()
    {
        var a = _store.Get("bike-refund")!.Article;
        var h = _searcher.HighlightArticle(a, "押金");
        Assert.That(h.Title, Is.EqualTo("公共自行车<mark>押金</mark>退还启动"));
        Assert.That(h.Body.Split("<mark>押金</mark>").Length - 1, Is.EqualTo(2), "every match in the whole body");
        Assert.That(System.Net.WebUtility.HtmlDecode(h.Body.Replace("<mark>", "").Replace("</mark>", "")), Is.EqualTo(a.Body));
        Assert.That(h.Matches.Body, Has.Count.EqualTo(2));
        Assert.Throws<QueryParseException>(() => _searcher.HighlightArticle(a, "\"押金"));
    }

    [Test]
    public void TestRelatedArticlesShareTermsAndExcludeTheArticle()
    {
        var related = _searcher.Related(_reader, _store, "bike-refund")!;
        var ids = related.Hits.Select(h => h.Id).ToArray();
        Assert.That(ids, Does.Contain("race").And.Contain("library"));
        Assert.That(ids, Does.Not.Contain("bike-refund").And.Not.Contain("deleted-bike"));
        Assert.That(related.AnalyzedQuery, Does.Contain("-id:bike-refund"));
        Assert.That(_searcher.Related(_reader, _store, "no-such-article"), Is.Null);
        Assert.Throws<SearchRequestException>(() => _searcher.Related(_reader, _store, "bike-refund", 0));
    }

    private static string Render(SearchResponse r) =>
        r.TotalHits + ":" + string.Join("|", r.Hits.Select(h => $"{h.Id}/{h.Score}/{h.Highlights.Title}/{string.Join("~", h.Highlights.Body)}"));
}
