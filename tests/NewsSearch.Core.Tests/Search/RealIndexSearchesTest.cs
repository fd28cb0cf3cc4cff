using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// searches.json end to end: the fixture corpus goes through the article store and the real index (IndexManager
/// catching up from the store, on-disk segments), analyzed with the real news analysis.
/// </summary>
[TestFixture]
public class RealIndexSearchesTest
{
    private string _dir = "";
    private ArticleStore _store = null!;
    private IndexManager _index = null!;
    private SnapshotLease _lease = null!;
    private NewsSearcher _searcher = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "newssearch-search-real-" + Guid.NewGuid().ToString("N"));
        _store = new ArticleStore(_dir);
        var analysis = TestAnalysis.Instance;
        var docs = TestCorpus.Load(TestCorpus.FixturePath("corpus.json"));
        var options = new IndexManagerOptions { BackgroundMerges = false };
        _index = IndexManager.Open(Path.Combine(_dir, "index"), _store, analysis.IndexAnalyzer, analysis.Signature.ToString(), options);
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
        SearchesTest.RunAndAssert(c, _searcher.Parser, _lease.Reader);

    [Test]
    public void TestSnapshotHasSegmentsAndADeletion()
    {
        Assert.That(_lease.Reader.Leaves.Count, Is.GreaterThanOrEqualTo(2));
        Assert.That(_lease.Reader.MaxDoc - _lease.Reader.NumDocs, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void TestKindFilterUsesTheSortedDocValue()
    {
        var searcher = new IndexSearcher(_lease.Reader);
        Assert.That(searcher.Count(_searcher.Parse("kind:article")), Is.EqualTo(_lease.Reader.NumDocs));
        Assert.That(searcher.Count(_searcher.Parse("kind:notice")), Is.EqualTo(0));
    }

    [Test]
    public void TestBikeArticleFirstWithOneMarkAroundTheWord()
    {
        var r = _searcher.Search(_lease.Reader, _store, new SearchRequest("公共自行车"));
        Assert.That(r.Hits[0].Id, Is.EqualTo("bike-refund"));
        Assert.That(r.Hits[0].Highlights.Title, Is.EqualTo("<mark>公共自行车</mark>押金退还启动"));
        Assert.That(r.Hits[0].Highlights.Body[0], Does.Contain("<mark>公共自行车</mark>"));
    }

    [Test]
    public void TestNameSplitDifferentlyIsFoundAndMarked()
    {
        var r = _searcher.Search(_lease.Reader, _store, new SearchRequest("逸峰"));
        Assert.That(r.Hits.Select(h => h.Id), Is.EquivalentTo(new[] { "bike-refund" }));
        Assert.That(r.Hits[0].Highlights.Body[0], Does.Contain("李<mark>逸峰</mark>"));
    }

    [Test]
    public void TestPhraseHighlightedAsOneSpan()
    {
        var r = _searcher.Search(_lease.Reader, _store, new SearchRequest("\"经济发展\""));
        Assert.That(r.Hits.Single().Highlights.Body[0], Does.Contain("<mark>经济发展</mark>"));
    }
}
