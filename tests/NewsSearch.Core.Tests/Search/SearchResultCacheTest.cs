using NUnit.Framework;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>The response cache serves a repeated request on the same snapshot without searching, and never serves
/// a response of an older snapshot, of other synonyms, or of a failed search.</summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class SearchResultCacheTest(string engineName)
{
    private string _dir = "";
    private ArticleStore _store = null!;
    private IndexManager _index = null!;
    private NewsSearcher _searcher = null!;
    private static readonly DateOnly Today = new(2026, 12, 1);

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "newssearch-cache-" + Guid.NewGuid().ToString("N"));
        _store = new ArticleStore(_dir);
        var analysis = TestAnalysis.Instance;
        _index = IndexManager.Open(Path.Combine(_dir, "index"), _store, EngineCases.Get(engineName), analysis.IndexAnalyzer,
            analysis.Signature.ToString(), new IndexManagerOptions { BackgroundMerges = false });
        _store.Upsert(new Article { Id = "a1", Title = "社区图书馆开放", Body = "新建的社区图书馆今天开放。" });
        _index.CatchUp();
        _searcher = new NewsSearcher(analysis);
    }

    [TearDown]
    public void TearDown()
    {
        _index.Dispose();
        _store.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private (SearchResponse Response, int Searches) Search(SearchResultCache cache, SearchRequest request, SynonymMap? synonyms = null)
    {
        using var lease = _index.AcquireSnapshot();
        int searches = 0;
        var response = cache.GetOrSearch(lease.Snapshot, synonyms ?? SynonymMap.Empty, request, Today, () =>
        {
            searches++;
            return _searcher.Search(lease.Snapshot, _store, request);
        });
        return (response, searches);
    }

    [Test]
    public void TestRepeatedRequestOnOneSnapshotIsServedWithoutSearching()
    {
        var cache = new SearchResultCache(16);
        var first = Search(cache, new SearchRequest("图书馆"));
        var second = Search(cache, new SearchRequest("图书馆"));
        Assert.That(first.Searches, Is.EqualTo(1));
        Assert.That(second.Searches, Is.EqualTo(0));
        Assert.That(second.Response.Hits.Select(h => h.Id), Is.EqualTo(first.Response.Hits.Select(h => h.Id)));
        Assert.That(Search(cache, new SearchRequest("图书馆", 1, 5)).Searches, Is.EqualTo(1), "another page size is another request");
        Assert.That(cache.Counts, Is.EqualTo((1L, 2L)));
    }

    [Test]
    public void TestNewSnapshotIsSearchedAgainAndShowsTheWrite()
    {
        var cache = new SearchResultCache(16);
        Assert.That(Search(cache, new SearchRequest("图书馆")).Response.TotalHits, Is.EqualTo(1));
        _store.Upsert(new Article { Id = "a2", Title = "图书馆延长开放时间", Body = "图书馆周末延长开放。" });
        _index.CatchUp();
        var after = Search(cache, new SearchRequest("图书馆"));
        Assert.That(after.Searches, Is.EqualTo(1));
        Assert.That(after.Response.TotalHits, Is.EqualTo(2));
    }

    [Test]
    public void TestOtherSynonymsAreSearchedAgain()
    {
        var cache = new SearchResultCache(16);
        Search(cache, new SearchRequest("书屋"));
        var synonyms = SynonymMap.Parse("书屋, 图书馆");
        Assert.That(Search(cache, new SearchRequest("书屋"), synonyms).Searches, Is.EqualTo(1));
    }

    [Test]
    public void TestFailedSearchIsNotCached()
    {
        var cache = new SearchResultCache(16);
        using var lease = _index.AcquireSnapshot();
        var request = new SearchRequest("图书馆");
        Assert.Throws<InvalidOperationException>(() => cache.GetOrSearch(lease.Snapshot, SynonymMap.Empty, request, Today,
            () => throw new InvalidOperationException("store unavailable")));
        Assert.That(Search(cache, request).Searches, Is.EqualTo(1));
    }

    [Test]
    public void TestFullCacheStartsOverInsteadOfGrowing()
    {
        var cache = new SearchResultCache(2);
        Search(cache, new SearchRequest("图书馆"));
        Search(cache, new SearchRequest("社区"));
        Search(cache, new SearchRequest("开放"));
        Assert.That(Search(cache, new SearchRequest("图书馆")).Searches, Is.EqualTo(1));
    }
}
