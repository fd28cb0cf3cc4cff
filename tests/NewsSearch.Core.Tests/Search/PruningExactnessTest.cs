using NUnit.Framework;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// Top-n pruning (MaxScore inside booleans, the two-phase walk over a query's parts, counting without scoring) must
/// change nothing but speed: over a generated corpus large enough for every pruning path to engage (common words in
/// tens of thousands of documents, several segments, deletions), the best 10 of each query are exactly the first 10
/// of the unpruned ranking (collecting every match: the heap never fills, so nothing is skipped), with the same
/// scores, and the total and the facets are those of the unpruned search. On every engine.
/// </summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class PruningExactnessTest(string engineName)
{
    private static readonly string[] Words =
    [
        "经济", "发展", "中国", "社会", "改革", "创新", "城市", "交通", "安全", "教育", "文化", "旅游", "企业", "市场",
        "政府", "工作", "问题", "人民", "建设", "服务", "项目", "群众", "农村", "医疗", "科技", "环境", "生态", "产业",
    ];

    private static readonly string[] Authors = ["王明", "李华", "张伟", "刘洋"];

    private string _dir = "";
    private ArticleStore _store = null!;
    private IndexManager _index = null!;
    private SnapshotLease _lease = null!;
    private NewsSearcher _searcher = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "newssearch-pruning-" + Guid.NewGuid().ToString("N"));
        _store = new ArticleStore(_dir);
        var analysis = TestAnalysis.Instance;
        _index = IndexManager.Open(Path.Combine(_dir, "index"), _store, EngineCases.Get(engineName), analysis.IndexAnalyzer,
            analysis.Signature.ToString(), new IndexManagerOptions { BackgroundMerges = false });
        var random = new Random(20261201);
        // Zipf-like word frequencies: the first words are in most documents, the last in few.
        var cumulative = new double[Words.Length];
        double sum = 0;
        for (int i = 0; i < Words.Length; i++) cumulative[i] = sum += 1.0 / (i + 1);
        string Word()
        {
            int k = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            return Words[Math.Min(Words.Length - 1, k < 0 ? ~k : k)];
        }
        string Text(int min, int max) => string.Concat(Enumerable.Range(0, random.Next(min, max)).Select(i => Word() + (i % 7 == 6 ? "。" : "")));
        const int count = 24_000;
        // Ids in runs of 500 ascending ids, the runs shuffled: each segment holds several runs (a constant-score query
        // stops each run once its ties can no longer enter), and ids do not follow the documents' order.
        var runs = Enumerable.Range(0, count / 500).OrderBy(_ => random.Next()).ToArray();
        var batch = new List<Article>();
        for (int i = 0; i < count; i++)
        {
            batch.Add(new Article
            {
                Id = $"p{runs[i / 500] * 500 + i % 500:D5}",
                Title = Text(2, 6),
                Body = Text(10, 60),
                Reporters = random.Next(3) == 0 ? [Authors[random.Next(Authors.Length)]] : [],
                Section = random.Next(2) == 0 ? "要闻" : "经济",
                PublishedAt = new DateOnly(2020, 1, 1).AddDays(random.Next(700)),
            });
            // Several commits: several segments.
            if (batch.Count == 6_000)
            {
                _store.UpsertMany(batch);
                _index.CatchUp();
                batch.Clear();
            }
        }
        // A segment where 港口 (a word of no other document) is in every body and 10 % of the titles: its title
        // postings span enough blocks to be walked best blocks first, and few enough to drive the walk.
        for (int i = 0; i < 24_000; i++)
            batch.Add(new Article
            {
                Id = $"q{i:D5}",
                Title = random.Next(10) == 0 ? Text(0, 3) + "港口" + Text(0, 3) : Text(2, 6),
                Body = Text(4, 12) + "港口",
                Section = "要闻",
                PublishedAt = new DateOnly(2021, 1, 1).AddDays(random.Next(300)),
            });
        _store.UpsertMany(batch);
        _index.CatchUp();
        batch.Clear();
        for (int i = 0; i < count; i += 97) _store.Delete($"p{i:D5}");
        _index.CatchUp();
        _lease = _index.AcquireSnapshot();
        _searcher = new NewsSearcher(analysis);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _lease?.Dispose();
        _index?.Dispose();
        _store?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    public static IEnumerable<string> Queries =>
    [
        "经济", "发展", "生态", "经济 发展", "+经济 +发展", "经济 OR 产业", "经济 -发展", "中国 经济 社会 发展",
        "\"经济发展\"", "\"经济 发展\"~3", "经*", "经", "title:经济 body:发展", "经济^3 环境", "王明", "王明 经济",
        "(经济 OR 社会) 发展", "经济 发展 -(中国 OR 社会)", "产业 生态 科技", "date:[2020-03-01 TO 2020-09-30] 经济",
        // Constant scores: every match ties, so the top 10 are the lowest ids among the best-scoring matches.
        "section:要闻", "经 OR 产", "section:经济 OR author:王明", "产*",
        "港口", "港口 经济", "港口^2 发展", "港口 -交通",
    ];

    [TestCaseSource(nameof(Queries))]
    public void TestPrunedTopTenIsTheUnprunedRankingsHead(string q)
    {
        var query = _searcher.Parse(q);
        var snapshot = _lease.Snapshot;
        var all = snapshot.Search(new EngineSearchRequest(query, snapshot.NumDocs + 1));
        var top = snapshot.Search(new EngineSearchRequest(query, 10));
        Assert.That(top.TotalHits, Is.EqualTo(all.TotalHits));
        Assert.That(all.Hits.Count, Is.EqualTo(all.TotalHits), "the unpruned search returns every match");
        var expected = all.Hits.Take(10).Select(h => (h.Id, h.Score)).ToArray();
        Assert.That(top.Hits.Select(h => (h.Id, h.Score)).ToArray(), Is.EqualTo(expected));
        Assert.That(snapshot.Search(new EngineSearchRequest(query, 0)).TotalHits, Is.EqualTo(all.TotalHits));
    }

    [TestCaseSource(nameof(Queries))]
    public void TestFacetsCountTheWholeMatchingSet(string q)
    {
        var query = _searcher.Parse(q);
        const FacetFields facets = FacetFields.Month | FacetFields.Author | FacetFields.Section;
        var relevance = _lease.Snapshot.Search(new EngineSearchRequest(query, 10) { Facets = facets, FacetSize = 100 });
        var newest = _lease.Snapshot.Search(new EngineSearchRequest(query, 10) { Facets = facets, FacetSize = 100, Order = HitOrder.Newest });
        Assert.That(relevance.TotalHits, Is.EqualTo(newest.TotalHits));
        foreach (var f in new[] { FacetFields.Month, FacetFields.Author, FacetFields.Section })
            Assert.That(relevance.Facets[f].Select(v => (v.Value, v.Count)), Is.EqualTo(newest.Facets[f].Select(v => (v.Value, v.Count))), f.ToString());
        var sectionTotal = relevance.Facets[FacetFields.Section].Sum(v => v.Count);
        Assert.That(sectionTotal, Is.EqualTo(relevance.TotalHits), "every match has a section");
    }
}
