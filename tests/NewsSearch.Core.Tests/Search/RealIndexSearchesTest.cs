using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// searches.json end to end: the fixture corpus goes through the article store and the real index (IndexManager
/// catching up from the store, on-disk segments), analyzed with the real news analysis; on every engine. Also
/// filters, sorts and facets (issue 9) through <see cref="NewsSearcher"/> and the engine request.
/// </summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class RealIndexSearchesTest(string engineName)
{
    private string _dir = "";
    private ArticleStore _store = null!;
    private IndexManager _index = null!;
    private SnapshotLease _lease = null!;
    private NewsSearcher _searcher = null!;
    private List<TestDoc> _docs = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "newssearch-search-real-" + Guid.NewGuid().ToString("N"));
        _store = new ArticleStore(_dir);
        var analysis = TestAnalysis.Instance;
        var docs = TestCorpus.Load(TestCorpus.FixturePath("corpus.json"));
        var options = new IndexManagerOptions { BackgroundMerges = false };
        _index = IndexManager.Open(Path.Combine(_dir, "index"), _store, EngineCases.Get(engineName), analysis.IndexAnalyzer, analysis.Signature.ToString(), options);
        _docs = docs;
        // Two commits, so the snapshot has two segments; then a delete that lands as a deletion bit.
        int half = docs.Count / 2;
        _store.UpsertMany(docs.Take(half).Select(ToArticle).ToList());
        _index.CatchUp();
        _store.UpsertMany(docs.Skip(half).Select(ToArticle).ToList());
        _index.CatchUp();
        foreach (var d in docs.Where(d => d.Id.StartsWith("deleted", StringComparison.Ordinal))) _store.Delete(d.Id);
        _index.CatchUp();
        _lease = _index.AcquireSnapshot();
        _searcher = new NewsSearcher(analysis, SearchesTest.Synonyms);
    }

    private static Article ToArticle(TestDoc d) => new()
    {
        Id = d.Id, Title = d.Title, Body = d.Body, Reporters = d.Authors ?? [], Section = d.Section, PublishedAt = d.Date,
    };

    [OneTimeTearDown]
    public void TearDown()
    {
        _lease?.Dispose();
        _index?.Dispose();
        _store?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [TestCaseSource(typeof(SearchesTest), nameof(SearchesTest.Cases))]
    public void TestSearchesOverRealIndex(SearchesTest.Case c) =>
        SearchesTest.RunAndAssert(c, _searcher.Parser, _lease.Snapshot);

    [Test]
    public void TestSnapshotHasSegmentsAndADeletion()
    {
        var stats = _lease.Snapshot.GetStats(_index.CurrentVersionFolder);
        Assert.That(stats.Engine, Is.EqualTo(engineName));
        Assert.That(stats.Segments.Count, Is.GreaterThanOrEqualTo(2));
        Assert.That(stats.Deletions, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void TestKindFilterUsesTheSortedDocValue()
    {
        Assert.That(_lease.Snapshot.Search(new EngineSearchRequest(_searcher.Parse("kind:article"), 0)).TotalHits, Is.EqualTo(_lease.Snapshot.NumDocs));
        Assert.That(_lease.Snapshot.Search(new EngineSearchRequest(_searcher.Parse("kind:notice"), 0)).TotalHits, Is.EqualTo(0));
    }

    private IEnumerable<TestDoc> LiveDocs => _docs.Where(d => !d.Id.StartsWith("deleted", StringComparison.Ordinal));

    private SearchResponse Search(SearchRequest request) => _searcher.Search(_lease.Snapshot, _store, request);

    // Every live article: kind is a filter-only query.
    private const string All = "kind:article";

    [TestCase(HitOrder.Newest)]
    [TestCase(HitOrder.Oldest)]
    public void TestDateOrderIsByDayThenIdWithUndatedLast(HitOrder order)
    {
        var dated = LiveDocs.Where(d => d.Date is not null);
        var expected = (order == HitOrder.Newest
                ? dated.OrderByDescending(d => d.Date).ThenBy(d => d.Id, IdOrder.Comparer)
                : dated.OrderBy(d => d.Date).ThenBy(d => d.Id, IdOrder.Comparer))
            .Concat(LiveDocs.Where(d => d.Date is null).OrderBy(d => d.Id, IdOrder.Comparer))
            .Select(d => d.Id).ToArray();
        var r = _lease.Snapshot.Search(new EngineSearchRequest(_searcher.Parse(All), 100) { Order = order });
        Assert.That(r.Hits.Select(h => h.Id), Is.EqualTo(expected));
        Assert.That(r.TotalHits, Is.EqualTo(expected.Length));
        // Pages of a date order are slices of the same order.
        var page2 = Search(new SearchRequest(All, 2, 3) { Sort = order });
        Assert.That(page2.Hits.Select(h => h.Id), Is.EqualTo(expected.Skip(3).Take(3)));
    }

    [Test]
    public void TestDateOrderStillScoresHits()
    {
        var r = Search(new SearchRequest("社区", 1, 10) { Sort = HitOrder.Newest });
        Assert.That(r.Hits.Select(h => h.Id), Is.EqualTo(new[] { "clinic-far", "clinic-near", "library", "jianning" }),
            "2026-03-06, 2026-03-05, 2026-01-20, 2026-01-08");
        Assert.That(r.Hits.All(h => h.Score > 0), Is.True);
    }

    [Test]
    public void TestFacetsCountTheWholeMatchingSetNotThePage()
    {
        var r = Search(new SearchRequest(All, 1, 1) { Facets = FacetFields.Month | FacetFields.Author | FacetFields.Section });
        Assert.That(r.Hits, Has.Count.EqualTo(1));
        Assert.That(r.Facets, Is.Not.Null);
        Assert.That(r.Facets!["month"], Is.EqualTo(new[]
        {
            new FacetValue("2026-01", 5), new FacetValue("2026-03", 3), new FacetValue("2026-02", 2), new FacetValue("2025-12", 1),
        }));
        Assert.That(r.Facets["author"], Is.EqualTo(new[]
        {
            new FacetValue("李逸峰", 2), new FacetValue("周岚", 1), new FacetValue("王晓", 1), new FacetValue("赵敏", 1),
        }));
        Assert.That(r.Facets["section"], Is.EqualTo(new[]
        {
            new FacetValue("城市", 3), new FacetValue("民生", 3), new FacetValue("要闻", 2), new FacetValue("体育", 1), new FacetValue("科技", 1),
            new FacetValue("财经", 1),
        }));
    }

    [Test]
    public void TestFacetSizeKeepsTheTopValues()
    {
        var r = _lease.Snapshot.Search(new EngineSearchRequest(_searcher.Parse(All), 0) { Facets = FacetFields.Section, FacetSize = 2 });
        Assert.That(r.Hits, Is.Empty);
        Assert.That(r.Facets[FacetFields.Section], Is.EqualTo(new[] { new FacetValue("城市", 3), new FacetValue("民生", 3) }));
    }

    [Test]
    public void TestFacetsFollowTheQueryAndFilters()
    {
        var r = Search(new SearchRequest("社区", 1, 10) { Facets = FacetFields.Author | FacetFields.Section });
        Assert.That(r.TotalHits, Is.EqualTo(4));
        Assert.That(r.Facets!["author"], Is.EqualTo(new[] { new FacetValue("李逸峰", 1) }), "library and the clinics have no author");
        Assert.That(r.Facets["section"], Is.EqualTo(new[] { new FacetValue("城市", 2), new FacetValue("民生", 2) }));
    }

    [Test]
    public void TestDateRangeFilterIsInclusive()
    {
        var r = Search(new SearchRequest(All, 1, 20) { From = new DateOnly(2026, 1, 8), To = new DateOnly(2026, 1, 25) });
        Assert.That(r.Hits.Select(h => h.Id), Is.EquivalentTo(new[] { "jianning", "metro-safety", "library", "race" }));
        Assert.That(r.TotalHits, Is.EqualTo(4));
        var open = Search(new SearchRequest(All, 1, 20) { From = new DateOnly(2026, 2, 1) });
        Assert.That(open.Hits.Select(h => h.Id), Is.EquivalentTo(new[] { "delegation", "insurance", "vr", "clinic-near", "clinic-far" }),
            "undated articles never match a date filter");
    }

    [Test]
    public void TestAuthorSectionAndKindFilters()
    {
        Assert.That(Search(new SearchRequest(All, 1, 20) { Author = "李逸峰" }).Hits.Select(h => h.Id), Is.EquivalentTo(new[] { "bike-refund", "jianning" }));
        Assert.That(Search(new SearchRequest("自行车", 1, 20) { Section = "体育" }).Hits.Select(h => h.Id), Is.EqualTo(new[] { "race" }));
        Assert.That(Search(new SearchRequest(All, 1, 20) { Section = "城市", Author = "王晓" }).Hits.Select(h => h.Id), Is.EqualTo(new[] { "metro-safety" }));
        Assert.That(Search(new SearchRequest(All, 1, 20) { Kind = "notice" }).TotalHits, Is.EqualTo(0));
        Assert.That(Search(new SearchRequest(All, 1, 20) { Kind = "Article" }).TotalHits, Is.EqualTo(LiveDocs.Count()));
    }

    [Test]
    public void TestExplanationBreaksTheScoreDownByClause()
    {
        var query = _searcher.Parse("自行车 市民");
        var r = _lease.Snapshot.Search(new EngineSearchRequest(query, 3) { Explain = true });
        Assert.That(r.Hits, Is.Not.Empty);
        foreach (var hit in r.Hits)
        {
            var e = hit.Explanation!;
            Assert.That(e.Value, Is.EqualTo(hit.Score));
            Assert.That(e.Details, Is.Not.Empty);
            Assert.That(e.Details.Sum(d => d.Value), Is.EqualTo(hit.Score).Within(1e-3), "clauses add up to the score");
        }
        Assert.That(_lease.Snapshot.Search(new EngineSearchRequest(query, 3)).Hits.All(h => h.Explanation is null), Is.True, "only when asked");
    }

    [Test]
    public void TestBadFiltersAreClearErrors()
    {
        var e = Assert.Throws<SearchRequestException>(() => Search(new SearchRequest(All) { From = new DateOnly(2026, 2, 1), To = new DateOnly(2026, 1, 1) }))!;
        Assert.That(e.Message, Does.Contain("from (2026-02-01) is after to (2026-01-01)"));
        Assert.That(Assert.Throws<SearchRequestException>(() => Search(new SearchRequest(All) { Kind = "letter" }))!.Message, Does.Contain("Unknown kind 'letter'"));
        Assert.That(Assert.Throws<SearchRequestException>(() => Search(new SearchRequest(All) { Author = " " }))!.Message, Does.Contain("author must not be blank"));
        Assert.That(Assert.Throws<SearchRequestException>(() => Search(new SearchRequest(All, 200, 100) { Sort = HitOrder.Newest }))!.Message,
            Does.Contain("at most 10000"), "deep pages stay capped for every order");
    }


    [Test]
    public void TestBikeArticleFirstWithOneMarkAroundTheWord()
    {
        var r = _searcher.Search(_lease.Snapshot, _store, new SearchRequest("公共自行车"));
        Assert.That(r.Hits[0].Id, Is.EqualTo("bike-refund"));
        Assert.That(r.Hits[0].Highlights.Title, Is.EqualTo("<mark>公共自行车</mark>押金退还启动"));
        Assert.That(r.Hits[0].Highlights.Body[0], Does.Contain("<mark>公共自行车</mark>"));
    }

    [Test]
    public void TestNameSplitDifferentlyIsFoundAndMarked()
    {
        var r = _searcher.Search(_lease.Snapshot, _store, new SearchRequest("逸峰"));
        Assert.That(r.Hits.Select(h => h.Id), Is.EquivalentTo(new[] { "bike-refund" }));
        Assert.That(r.Hits[0].Highlights.Body[0], Does.Contain("李<mark>逸峰</mark>"));
    }

    [Test]
    public void TestPhraseHighlightedAsOneSpan()
    {
        var r = _searcher.Search(_lease.Snapshot, _store, new SearchRequest("\"经济发展\""));
        Assert.That(r.Hits.Single().Highlights.Body[0], Does.Contain("<mark>经济发展</mark>"));
    }
}
