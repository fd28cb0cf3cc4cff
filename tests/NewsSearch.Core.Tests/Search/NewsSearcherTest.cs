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

    private static string Render(SearchResponse r) =>
        r.TotalHits + ":" + string.Join("|", r.Hits.Select(h => $"{h.Id}/{h.Score}/{h.Highlights.Title}/{string.Join("~", h.Highlights.Body)}"));
}
