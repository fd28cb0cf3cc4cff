using NUnit.Framework;
using NewsSearch.Engine.Lucene.Baseline;
using LBooleanQuery = Lucene.Net.Search.BooleanQuery;
using LOccur = Lucene.Net.Search.Occur;
using LTermQuery = Lucene.Net.Search.TermQuery;

namespace NewsSearch.Core.Tests.Engine;

/// <summary>The reference baseline of `bench compare` is set up as REFERENCE.md describes: SmartCn, stored text,
/// MultiFieldQueryParser over title^2 and body with OR.</summary>
[TestFixture]
public class StockLuceneBaselineTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "ns-stock-baseline-tests", Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private StockLuceneBaseline BaselineWithNews()
    {
        var b = new StockLuceneBaseline(_dir);
        b.Add("a1", "经济新闻", "今天天气很好，市民出门散步。", "2026-05-30");
        b.Add("a2", "天气", "经济新闻今天很好，市民出门散步。", "2026-05-31");
        b.Add("a3", "文化旅游", "旅游节开幕，游客很多。", "");
        b.Add("a4", "体育", "足球比赛今晚开始。", "2026-06-01");
        b.Commit();
        b.OpenSearcher();
        return b;
    }

    private static string Id(StockLuceneBaseline b, Lucene.Net.Search.ScoreDoc hit) => b.Load(hit.Doc).Get(StockLuceneBaseline.IdField);

    [Test]
    public void WordsAreOredOverTitleAndBody()
    {
        using var b = BaselineWithNews();
        var (total, hits) = b.Search("经济 旅游");
        Assert.That(total, Is.EqualTo(3));
        Assert.That(hits.Select(h => Id(b, h)), Is.EquivalentTo(new[] { "a1", "a2", "a3" }));
    }

    [Test]
    public void ParsedQueryIsShouldClausesWithTitleBoostedTwice()
    {
        using var b = BaselineWithNews();
        var q = (LBooleanQuery)b.Parse("经济 旅游");
        Assert.That(q.Clauses.Select(c => c.Occur), Is.All.EqualTo(LOccur.SHOULD));
        var perWord = q.Clauses.Select(c => (LBooleanQuery)c.Query).ToArray();
        Assert.That(perWord, Has.Length.EqualTo(2));
        foreach (var word in perWord)
        {
            var terms = word.Clauses.Select(c => (LTermQuery)c.Query).ToDictionary(t => t.Term.Field, t => t.Boost);
            Assert.That(terms, Is.EquivalentTo(new Dictionary<string, float>
            {
                [StockLuceneBaseline.TitleField] = 2f,
                [StockLuceneBaseline.BodyField] = 1f,
            }));
        }
    }

    [Test]
    public void TitleMatchRanksAboveBodyMatch()
    {
        using var b = BaselineWithNews();
        var (total, hits) = b.Search("经济");
        Assert.That(total, Is.EqualTo(2));
        Assert.That(hits.Select(h => Id(b, h)), Is.EqualTo(new[] { "a1", "a2" }));
    }

    [Test]
    public void TitleBodyIdAndDateAreStored()
    {
        using var b = BaselineWithNews();
        var (_, hits) = b.Search("足球");
        Assert.That(hits, Has.Length.EqualTo(1));
        var doc = b.Load(hits[0].Doc);
        Assert.That(doc.Get(StockLuceneBaseline.IdField), Is.EqualTo("a4"));
        Assert.That(doc.Get(StockLuceneBaseline.TitleField), Is.EqualTo("体育"));
        Assert.That(doc.Get(StockLuceneBaseline.BodyField), Is.EqualTo("足球比赛今晚开始。"));
        Assert.That(doc.Get(StockLuceneBaseline.DateField), Is.EqualTo("2026-06-01"));
        Assert.That(b.NumDocs, Is.EqualTo(4));
        Assert.That(b.IndexBytes, Is.GreaterThan(0));
    }

    [Test]
    public void ForceMergeLeavesOneSegmentWithEveryDocument()
    {
        var b = new StockLuceneBaseline(_dir);
        using (b)
        {
            for (int i = 0; i < 30; i++)
            {
                b.Add($"d{i}", "新闻", $"第{i}条新闻。", "");
                if (i % 10 == 9) b.Commit();
            }
            b.ForceMerge();
            b.OpenSearcher();
            Assert.That(b.SegmentCount, Is.EqualTo(1));
            Assert.That(b.Search("新闻", 50).TotalHits, Is.EqualTo(30));
        }
    }
}
