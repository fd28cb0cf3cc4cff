using NewsSearch.Core.Engine;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;
using NUnit.Framework;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// A data folder opened with `--analysis smartcn`, end to end through <see cref="NewsEngine"/> on our engine: the
/// index records the choice, words are found, and substrings SmartCn did not keep as words are found through the
/// bigram fields. Articles are our own writing. Runs on every engine.
/// </summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class SmartCnSearchTests(string engineName)
{
    private string _dir = "";
    private NewsEngine _engine = null!;

    private static readonly Article[] Articles =
    [
        new() { Id = "park", Title = "新公园开放", Body = "市民在新建的公园里散步，城区新增公共自行车站点三百个。" },
        new() { Id = "metro", Title = "地铁三号线明年开通", Body = "张小明说，地铁三号线将于明年开通。沿线设站十二座。" },
        new() { Id = "holiday", Title = "春节游客", Body = "今年春节期间，全市共接待游客五十万人次。" },
        new() { Id = "anniversary", Title = "庆祝活动", Body = "中华人民共和国成立七十五周年，广场上举行升旗仪式。" },
    ];

    private NewsEngineOptions Options(string wordAnalysis, bool catchUp = true) => new()
    {
        Analysis = new AnalysisOptions { CacheDirectory = TestSmartCnAnalysis.CacheDirectory },
        Engine = engineName,
        WordAnalysis = wordAnalysis,
        CatchUpOnOpen = catchUp,
    };

    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "newssearch-smartcn-" + Guid.NewGuid().ToString("N"));

    [OneTimeSetUp]
    public void SetUp()
    {
        _ = TestSmartCnAnalysis.Instance; // registers smartcn
        _dir = NewFolder();
        _engine = NewsEngine.Open(_dir, Options(WordAnalysisNames.SmartCn));
        _engine.Store.UpsertMany(Articles);
        _engine.Index.CatchUp();
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _engine?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private string[] Hits(string q) => _engine.Search(new SearchRequest(q)).Hits.Select(h => h.Id).ToArray();

    [Test]
    public void TestIndexRecordsTheSmartCnSignature()
    {
        Assert.That(_engine.Analysis.WordAnalysis, Is.EqualTo(WordAnalysisNames.SmartCn));
        Assert.That(_engine.Index.GetStats().AnalysisSignature, Is.EqualTo(_engine.Analysis.Signature.ToString()));
        Assert.That(_engine.Index.GetStats().AnalysisSignature, Does.StartWith("news-zh-smartcn/"));
    }

    [Test]
    public void TestWordsAreFound()
    {
        Assert.That(Hits("公园"), Is.EqualTo(new[] { "park" }));
        Assert.That(Hits("地铁 开通"), Is.EqualTo(new[] { "metro" }));
        Assert.That(Hits("\"接待游客\""), Is.EqualTo(new[] { "holiday" }));
        Assert.That(Hits("中华人民共和国"), Is.EqualTo(new[] { "anniversary" }));
        Assert.That(Hits("公园 -自行车"), Is.Empty);
    }

    [Test]
    public void TestSubstringThatIsNotASmartCnWordIsFoundThroughTheBigramFields()
    {
        // SmartCn cuts 张小明说 into 张 / 小 / 明说 and keeps 中华人民共和国 whole: neither 小明 nor 共和国 is a word
        // of the word field, yet both are found, as phrases of bigrams that do not cross into other articles.
        var words = Tokens(NewsFields.Body, "张小明说，地铁三号线将于明年开通。").Concat(Tokens(NewsFields.Body, "中华人民共和国成立"));
        Assert.That(words, Does.Not.Contain("小明").And.Not.Contain("共和国").And.Not.Contain("张小明"));
        Assert.That(Hits("小明"), Is.EqualTo(new[] { "metro" }));
        Assert.That(Hits("张小明"), Is.EqualTo(new[] { "metro" }));
        Assert.That(Hits("共和国"), Is.EqualTo(new[] { "anniversary" }));
        Assert.That(Hits("明说地铁"), Is.Empty, "a comma lies between them");
        Assert.That(Hits("民在新"), Is.EqualTo(new[] { "park" }));
        Assert.That(Hits("小"), Is.EqualTo(new[] { "metro" }), "a single char is found where it is a one-char word");
        var hit = _engine.Search(new SearchRequest("小明")).Hits.Single();
        Assert.That(string.Join(" ", hit.Highlights.Body), Does.Contain("<mark>小明</mark>"));
    }

    private string[] Tokens(string field, string text) =>
        _engine.Analysis.Explain(text, includeQueryChains: false).Single(f => f.Field == field).Tokens.Select(t => t.Term).ToArray();

    [Test]
    public void TestJiebaFolderIsRefusedBySmartCnAndItsIndexRebuilt()
    {
        string dir = NewFolder();
        try
        {
            using (var jieba = NewsEngine.Open(dir, Options(WordAnalysisNames.Jieba)))
            {
                jieba.Store.UpsertMany(Articles);
                jieba.Index.CatchUp();
                Assert.That(jieba.Index.GetStats().AnalysisSignature, Does.StartWith("news-zh/"));
                using var lease = jieba.Index.AcquireSnapshot();
                // jieba's chain stacks the dictionary sub-word 共和国 under 中华人民共和国.
                Assert.That(lease.Snapshot.DocFreq(NewsFields.Body, "共和国"), Is.EqualTo(1), "jieba's words");
            }

            // Refused when asked to: the message names both analyses.
            var smartcn = TestSmartCnAnalysis.Instance;
            using (var store = new ArticleStore(dir))
            {
                var e = Assert.Throws<InvalidOperationException>(() => IndexManager.Open(Path.Combine(dir, NewsEngine.IndexFolderName),
                    store, EngineCases.Get(engineName), smartcn.IndexAnalyzer, smartcn.Signature.ToString(), new IndexManagerOptions { RefuseOnSignatureMismatch = true }));
                Assert.That(e!.Message, Does.Contain("news-zh/").And.Contain("news-zh-smartcn/"));
            }

            // The data folder records jieba: asking for smartcn is a clear error, never a silent mix.
            var mismatch = Assert.Throws<DataFolderMismatchException>(() => NewsEngine.Open(dir, Options(WordAnalysisNames.SmartCn)));
            Assert.That(mismatch!.Message, Does.Contain("reindex --analysis smartcn"));

            // An index whose commit names another analysis is rebuilt from the store with SmartCn's words.
            using (var store = new ArticleStore(dir))
            using (var manager = IndexManager.Open(Path.Combine(dir, NewsEngine.IndexFolderName), store, EngineCases.Get(engineName),
                smartcn.IndexAnalyzer, smartcn.Signature.ToString()))
            {
                var stats = manager.GetStats();
                Assert.That(stats.AnalysisSignature, Is.EqualTo(smartcn.Signature.ToString()));
                Assert.That(stats.NumDocs, Is.EqualTo(Articles.Length));
                using var lease = manager.AcquireSnapshot();
                // SmartCn's words now: no sub-words.
                Assert.That(lease.Snapshot.DocFreq(NewsFields.Body, "共和国"), Is.EqualTo(0));
                Assert.That(lease.Snapshot.DocFreq(NewsFields.Body, "中华人民共和国"), Is.EqualTo(1));
            }
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
