using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// The gram index fields leave out the bigrams the word fields hold at the same position; a gram clause reads both.
/// Over a real index: substrings whose bigrams live partly in each field are found exactly, and marked whole.
/// </summary>
[TestFixture]
public class GramDedupeSearchTest
{
    private string _dir = "";
    private ArticleStore _store = null!;
    private IndexManager _index = null!;
    private SnapshotLease _lease = null!;
    private NewsSearcher _searcher = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "newssearch-gram-dedupe-" + Guid.NewGuid().ToString("N"));
        _store = new ArticleStore(_dir);
        var analysis = TestAnalysis.Instance;
        _index = IndexManager.Open(Path.Combine(_dir, "index"), _store, analysis.IndexAnalyzer, analysis.Signature.ToString(),
            new IndexManagerOptions { BackgroundMerges = false });
        _store.UpsertMany([
            // 轨道交通 is a word with the sub-words 轨道 and 交通: those pairs live in the word field only.
            new Article { Id = "together", Title = "社区新闻", Body = "田心轨道交通安全产业社区今天开放。" },
            // The same bigrams, never adjacent.
            new Article { Id = "apart", Title = "零散", Body = "道交。交通。通安全。轨道，在此。" },
        ]);
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

    private string[] Hits(string q)
    {
        var searcher = new IndexSearcher(_lease.Native());
        var top = searcher.Search(_searcher.Parse(q), 10);
        return top.ScoreDocs.Select(d => searcher.GetId(d.Doc)).ToArray();
    }

    [Test]
    public void TestWordPairsAreNotInTheGramField()
    {
        var leaf = _lease.Native().Leaves[0];
        Assert.That(leaf.DocFreq(NewsFields.BodyGrams, "交通"), Is.EqualTo(0));
        Assert.That(leaf.DocFreq(NewsFields.Body, "交通"), Is.EqualTo(2));
    }

    [Test]
    public void TestSubstringSplitAcrossFieldsIsFoundExactly()
    {
        // 道交 + 通安 from the gram field, 交通 from the word field (a sub-word), in one phrase.
        Assert.That(Hits("道交通安"), Is.EqualTo(new[] { "together" }));
        Assert.That(Hits("\"道交通安全\""), Is.EqualTo(new[] { "together" }));
        Assert.That(Hits("交通"), Is.EquivalentTo(new[] { "together", "apart" }));
        Assert.That(Hits("道交通安产"), Is.Empty);
    }

    [Test]
    public void TestSingleCharFoundWhereItsOnlyBigramIsAWord()
    {
        // 轨 in "apart" starts only 轨道, a word: its bigram is in the word field only.
        Assert.That(Hits("轨"), Is.EquivalentTo(new[] { "together", "apart" }));
    }

    [Test]
    public void TestSplitSubstringIsMarkedWhole()
    {
        var r = _searcher.Search(_lease.Snapshot, _store, new SearchRequest("道交通安"));
        Assert.That(r.Hits.Select(h => h.Id), Is.EqualTo(new[] { "together" }));
        Assert.That(r.Hits[0].Highlights.Body[0], Does.Contain("轨<mark>道交通安</mark>全"));
    }
}
