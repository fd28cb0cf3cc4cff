using Lucene.Net.Index;
using Lucene.Net.Search;
using NUnit.Framework;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;
using NewsSearch.Engine.Lucene;
using LQuery = Lucene.Net.Search.Query;
using LIndexSearcher = Lucene.Net.Search.IndexSearcher;
using LScorer = Lucene.Net.Search.Scorer;
using NsDocument = NewsSearch.Core.Index.Document;

namespace NewsSearch.Core.Tests.Engine;

/// <summary>
/// The Lucene engine runs a single-token query word (per field <c>(+gram word)</c>, the fields ORed, the author
/// clause beside them) as one flat <see cref="WordFieldsQuery"/>. Lucene's own BooleanQuery form of the same tree is
/// the oracle: over the seed pages and 2,000 bench articles (in several segments, with a deletion, and documents
/// whose author is the query word), both must match the same documents with bit-identical scores, and the fused
/// query's explanations must add up to its scores.
/// </summary>
[TestFixture]
[Category("Differential")]
public class WordFieldsQueryTests
{
    private const int CorpusArticles = 2_000;

    /// <summary>A corpus article (gen_corpus.py ids) deleted after it was indexed.</summary>
    private const string DeletedId = "n0000001";
    private string _dir = "";
    private IEngineWriter _writer = null!;
    private IEngineSnapshot _snapshot = null!;

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ns-wordfields-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _writer = new LuceneIndexEngine().OpenWriter(Path.Combine(_dir, "index"), new EngineWriterOptions
        {
            Analyzers = TestAnalysis.Instance.IndexAnalyzer,
            AnalysisSignature = TestAnalysis.Instance.Signature.ToString(),
            BackgroundMerges = false,
        });
        int n = 0;
        foreach (var doc in Documents())
        {
            _writer.Add(doc);
            // Several segments: terms absent from some of them, statistics summed over all.
            if (++n % 700 == 0) _writer.Commit(n);
        }
        // The author keyword clause: reporters whose name is itself a query word.
        _writer.Add(Doc("w1", "株洲新闻", "今天的新闻。", "经济"));
        _writer.Add(Doc("w2", "经济新闻", "经济发展的新闻。", "经济", "发展"));
        _writer.Delete(DeletedId);
        _writer.Commit(n + 1);
        _snapshot = _writer.AcquireSnapshot();
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _snapshot?.Dispose();
        _writer?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static NsDocument Doc(string id, string title, string body, params string[] authors) =>
        ArticleDocuments.ToDocument(new Article { Id = id, Title = title, Body = body, Reporters = authors });

    private IEnumerable<NsDocument> Documents() => EngineTestDocuments.SeedPagesAndCorpus(_dir, CorpusArticles);

    private LIndexSearcher Searcher => ((LuceneSnapshot)_snapshot).Searcher;

    /// <summary>Every match of <paramref name="query"/> with its score, by doc id.</summary>
    private Dictionary<int, float> AllScores(LQuery query) => AllScores(Searcher, query);

    private static Dictionary<int, float> AllScores(LIndexSearcher searcher, LQuery query)
    {
        var collector = new AllScoresCollector();
        searcher.Search(query, collector);
        return collector.Scores;
    }

    private static bool HasWordFields(LQuery q) => q switch
    {
        WordFieldsQuery => true,
        Lucene.Net.Search.BooleanQuery b => b.Clauses.Any(c => HasWordFields(c.Query)),
        ConstantScoreQuery c => c.Query is { } inner && HasWordFields(inner),
        _ => false,
    };

    [TestCase("经济")]
    [TestCase("发展")]
    [TestCase("中国")]
    [TestCase("株洲")]
    [TestCase("记者")]
    [TestCase("新闻")]
    [TestCase("经济 发展")]
    [TestCase("+经济 +发展")]
    [TestCase("经济 -政治")]
    [TestCase("经济 OR 株洲")]
    [TestCase("title:经济^3 发展")]
    public void TestSameMatchesAndScoresAsTheBooleanQuery(string text)
    {
        var parsed = new NewsSearcher(TestAnalysis.Instance).Parser.Parse(text);
        var fused = LuceneQueryCompiler.Compile(parsed);
        var plain = LuceneQueryCompiler.CompileUnfused(parsed);
        Assert.That(HasWordFields(fused), Is.True, $"{text}: the word shape is fused ({fused})");
        Assert.That(HasWordFields(plain), Is.False);

        var expected = AllScores(plain);
        var actual = AllScores(fused);
        Assert.That(expected, Is.Not.Empty, text);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys), $"{text}: the same matches");
        foreach (var (doc, score) in expected)
            Assert.That(actual[doc], Is.EqualTo(score), $"{text}: doc {doc} scores the same");
        Assert.That(Searcher.Search(fused, 1).TotalHits, Is.EqualTo(expected.Count));

        foreach (var doc in expected.OrderByDescending(kv => kv.Value).Take(5).Select(kv => kv.Key))
        {
            var explanation = Searcher.Explain(fused, doc);
            Assert.That(explanation.IsMatch, Is.True);
            Assert.That(explanation.Value, Is.EqualTo(actual[doc]).Within(1e-4f), $"{text}: explain of doc {doc}");
        }
    }

    [Test]
    public void TestSameScoresUnderASimilarityWithAQueryNorm()
    {
        // TF-IDF normalizes every weight by the query norm (BM25 does not): the fused weight must report the same
        // value for normalization as the BooleanQuery's and apply the norm the same way.
        var tfidf = new LIndexSearcher(Searcher.IndexReader) { Similarity = new Lucene.Net.Search.Similarities.DefaultSimilarity() };
        var parser = new NewsSearcher(TestAnalysis.Instance).Parser;
        foreach (var text in new[] { "经济", "经济 发展", "title:经济^3 发展" })
        {
            var parsed = parser.Parse(text);
            var expected = AllScores(tfidf, LuceneQueryCompiler.CompileUnfused(parsed));
            var actual = AllScores(tfidf, LuceneQueryCompiler.Compile(parsed));
            Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys), text);
            foreach (var (doc, score) in expected)
                Assert.That(actual[doc], Is.EqualTo(score).Within(1e-6f), $"{text}: doc {doc}");
        }
    }

    [Test]
    public void TestAuthorClauseScoresItsConstant()
    {
        var parsed = new NewsSearcher(TestAnalysis.Instance).Parser.Parse("经济");
        var fused = LuceneQueryCompiler.Compile(parsed);
        var scores = AllScores(fused);
        var plain = AllScores(LuceneQueryCompiler.CompileUnfused(parsed));
        // w1 holds 经济 only as its author: it matches through the keyword clause alone.
        int w1 = DocOf("w1");
        Assert.That(scores, Contains.Key(w1));
        Assert.That(scores[w1], Is.EqualTo(plain[w1]));
        Assert.That(scores[w1], Is.GreaterThan(0f));
        // A deleted document never matches.
        Assert.That(DocOfOrNull(DeletedId), Is.Null);
    }

    [Test]
    public void TestOtherShapesAreNotFused()
    {
        var parser = new NewsSearcher(TestAnalysis.Instance).Parser;
        foreach (var text in new[] { "\"人民政府\"", "自行车", "株*", "author:李逸峰", "\"经济 发展\"~3" })
        {
            var fused = LuceneQueryCompiler.Compile(parser.Parse(text));
            Assert.That(HasWordFields(fused), Is.False, text);
        }
    }

    private int DocOf(string id) => DocOfOrNull(id) ?? throw new AssertionException($"no live doc {id}");

    private int? DocOfOrNull(string id)
    {
        var hits = Searcher.Search(new Lucene.Net.Search.TermQuery(new Term(NewsFields.Id, id)), 1);
        return hits.TotalHits == 0 ? null : hits.ScoreDocs[0].Doc;
    }

    private sealed class AllScoresCollector : ICollector
    {
        private LScorer? _scorer;
        private int _base;
        public Dictionary<int, float> Scores { get; } = new();
        public void SetScorer(LScorer scorer) => _scorer = scorer;
        public void Collect(int doc) => Scores.Add(_base + doc, _scorer!.GetScore());
        public void SetNextReader(AtomicReaderContext context) => _base = context.DocBase;
        public bool AcceptsDocsOutOfOrder => false;
    }
}
