using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// A one-word query's gram phrase carries the word that spells it (<see cref="PhraseQuery.SpelledBy"/>), which lets
/// the scorer take the word's frequency instead of reading positions. Over a real index of texts that hold the word
/// whole, split by the segmenter, overlapped, repeated and with its bigrams elsewhere, the phrase with the hint must
/// match, count and score every document exactly as the same phrase without it.
/// </summary>
[TestFixture]
public class SpelledPhraseTest
{
    private static readonly string[] Words = ["人工智能", "轨道交通", "互联网", "自行车"];

    private string _dir = "";
    private ArticleStore _store = null!;
    private IndexManager _index = null!;
    private SnapshotLease _lease = null!;
    private NewsSearcher _searcher = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "newssearch-spelled-" + Guid.NewGuid().ToString("N"));
        _store = new ArticleStore(_dir);
        var analysis = TestAnalysis.Instance;
        _index = IndexManager.Open(Path.Combine(_dir, "index"), _store, analysis.IndexAnalyzer, analysis.Signature.ToString(),
            new IndexManagerOptions { BackgroundMerges = false });
        // Pieces that make the words whole, inside longer words (互联网络), overlapped, split by the segmenter
        // (城市轨道交通信号: 城市轨道 + 交通信号), and their bigrams apart (化工智造).
        string[] pieces =
        [
            "人工智能", "人工", "智能", "工智", "智能化", "化工智造", "人工智", "能", "轨道交通", "轨道", "交通", "道交",
            "城市轨道交通信号", "互联网", "互联", "联网", "网联", "互联网络", "自行车", "自行", "行车", "车行", "自行车道", "，", "。", "今天", "社区", "的",
        ];
        var rng = new Random(20261203);
        var articles = new List<Article>();
        for (int i = 0; i < 600; i++)
        {
            string Text(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => pieces[rng.Next(pieces.Length)]));
            articles.Add(new Article { Id = $"a{i:D4}", Title = Text(rng.Next(1, 4)), Body = Text(rng.Next(1, 40)) });
        }
        _store.UpsertMany(articles);
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

    private static List<PhraseQuery> SpelledPhrases(Query q)
    {
        var found = new List<PhraseQuery>();
        q.Visit(x => { if (x is PhraseQuery { SpelledBy: not null } p) found.Add(p); });
        return found;
    }

    private static PhraseQuery WithoutHint(PhraseQuery p) =>
        new(p.Field, p.Terms.Select((t, i) => (t, p.Positions[i])).ToArray(), p.Slop);

    [Test]
    public void TestOneWordQueryCarriesItsSpellingWordOnEachGramField()
    {
        var phrases = SpelledPhrases(_searcher.Parse("人工智能"));
        Assert.That(phrases.Select(p => (p.Field, p.SpelledBy!.Value.Field, p.SpelledBy!.Value.Term)),
            Is.EquivalentTo(new[] { (NewsFields.TitleGrams, NewsFields.Title, "人工智能"), (NewsFields.BodyGrams, NewsFields.Body, "人工智能") }));
        // Two words, a sloppy phrase, a word that is not one token: no hint.
        Assert.That(SpelledPhrases(_searcher.Parse("\"人工 智能\"~3")), Is.Empty);
    }

    [TestCaseSource(nameof(Words))]
    public void TestHintedPhraseMatchesCountsAndScoresAsWithoutIt(string word)
    {
        var phrases = SpelledPhrases(_searcher.Parse(word));
        Assert.That(phrases, Is.Not.Empty, "the word spells its grams");
        var searcher = new IndexSearcher(_lease.Native());
        int maxDoc = _lease.Native().MaxDoc;
        foreach (var hinted in phrases)
        {
            var plain = WithoutHint(hinted);
            var expected = searcher.Search(plain, maxDoc);
            var got = searcher.Search(hinted, maxDoc);
            Assert.That(expected.TotalHits, Is.GreaterThan(0), $"{hinted}: the texts hold it");
            Assert.That(got.TotalHits, Is.EqualTo(expected.TotalHits), $"{hinted}: total");
            Assert.That(got.ScoreDocs.OrderBy(d => d.Doc), Is.EqualTo(expected.ScoreDocs.OrderBy(d => d.Doc)), $"{hinted}: every score");
            Assert.That(searcher.Count(hinted), Is.EqualTo(searcher.Count(plain)), $"{hinted}: count without scores");
            // Scored on given documents only (a rescore, a MaxScore candidate): the same.
            var all = Enumerable.Range(0, maxDoc).Select(d => new ScoreDoc(d, 0f)).ToArray();
            Assert.That(searcher.Rescore(all, hinted).OrderBy(d => d.Doc), Is.EqualTo(searcher.Rescore(all, plain).OrderBy(d => d.Doc)),
                $"{hinted}: scored document by document");
        }
    }

    [Test]
    public void TestTextsHoldTheWordWithAndWithoutItsBigramsElsewhere()
    {
        // The hint decides by comparing the lead bigram's frequency with the word's: the texts must give both cases
        // (工智 only inside 人工智能, and also in 化工智造), or the scoring test above would not exercise both paths.
        var leaf = _lease.Native().Leaves[0];
        var word = leaf.GetPostings(NewsFields.Body, "人工智能", withPositions: false)!;
        int equal = 0, more = 0;
        for (int d = word.NextDoc(); d != PostingsEnum.NoMoreDocs; d = word.NextDoc())
        {
            var gram = leaf.GetPostings(NewsFields.BodyGrams, "工智", withPositions: false)!;
            Assert.That(gram.Advance(d), Is.EqualTo(d), "every occurrence of the word holds its bigrams");
            if (gram.Freq == word.Freq) equal++;
            else if (gram.Freq > word.Freq) more++;
            else Assert.Fail($"doc {d}: 工智 {gram.Freq} times, 人工智能 {word.Freq} times");
        }
        Assert.That(equal, Is.GreaterThan(10), "documents where the word's frequency is the phrase's");
        Assert.That(more, Is.GreaterThan(10), "documents where the phrase is checked in full");
    }
}
