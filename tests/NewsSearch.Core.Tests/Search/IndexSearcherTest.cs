using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Tests.Search;

[TestFixture]
public class IndexSearcherTest
{
    private static DirectoryReader Open(params string[] bodies) =>
        new([MemoryLeafReader.Build(bodies.Select((b, i) => new TestDoc("d" + i, "", b)).ToList(), f => TestAnalyzers.For(f, false))], 0, 1);

    private static string[] Ids(IndexSearcher s, TopDocs top) => top.ScoreDocs.Select(d => s.GetId(d.Doc)).ToArray();

    [Test]
    public void TestTermScoreIsLuceneBm25()
    {
        // body tokens: d0 "经济 经济 合作" (3), d1 "经济" (1), d2 "合作" (1); avgdl 5/3.
        var reader = Open("经济经济合作", "经济", "合作");
        var searcher = new IndexSearcher(reader);
        var top = searcher.Search(new TermQuery(NewsFields.Body, "经济"), 10);
        double idf = Math.Log(1 + (3 - 2 + 0.5) / (2 + 0.5));
        double avgdl = 5.0 / 3;
        double Expected(double tf, double dl) => idf * tf / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl));
        Assert.That(Ids(searcher, top), Is.EqualTo(new[] { "d1", "d0" }));
        Assert.That(top.ScoreDocs[0].Score, Is.EqualTo(Expected(1, 1)).Within(1e-5));
        Assert.That(top.ScoreDocs[1].Score, Is.EqualTo(Expected(2, 3)).Within(1e-5));
    }

    [Test]
    public void TestBoostMultipliesScore()
    {
        var searcher = new IndexSearcher(Open("经济", "合作"));
        float plain = searcher.Search(new TermQuery(NewsFields.Body, "经济"), 1).ScoreDocs[0].Score;
        float boosted = searcher.Search(new BoostQuery(new TermQuery(NewsFields.Body, "经济"), 2.5f), 1).ScoreDocs[0].Score;
        Assert.That(boosted, Is.EqualTo(plain * 2.5f).Within(1e-5));
    }

    [Test]
    public void TestPhraseCountsOccurrencesAtExactPositions()
    {
        var searcher = new IndexSearcher(Open("经济合作经济合作", "合作经济", "经济和合作", "经济合作"));
        var phrase = new PhraseQuery(NewsFields.Body, [("经济", 0), ("合作", 2)]);
        var top = searcher.Search(phrase, 10);
        Assert.That(Ids(searcher, top), Is.EqualTo(new[] { "d0", "d3" }).Or.EqualTo(new[] { "d3", "d0" }));
        Assert.That(top.TotalHits, Is.EqualTo(2));
    }

    [Test]
    public void TestPhraseWithRepeatedTerm()
    {
        var searcher = new IndexSearcher(Open("合作合作", "合作", "合作和合作"));
        var top = searcher.Search(new PhraseQuery(NewsFields.Body, [("合作", 0), ("合作", 2)]), 10);
        Assert.That(Ids(searcher, top), Is.EqualTo(new[] { "d0" }));
    }

    [Test]
    public void TestTopNKeepsBestAndCountsAll()
    {
        var bodies = Enumerable.Range(0, 50).Select(i => string.Concat(Enumerable.Repeat("经济", 1 + i % 5)) + "合作").ToArray();
        var searcher = new IndexSearcher(Open(bodies));
        var query = new TermQuery(NewsFields.Body, "经济");
        var all = searcher.Search(query, 100);
        var top = searcher.Search(query, 7);
        Assert.That(top.TotalHits, Is.EqualTo(50));
        Assert.That(top.ScoreDocs, Is.EqualTo(all.ScoreDocs.Take(7).ToArray()));
        // Equal scores: lower article id first ("d10" before "d2"), the tie-break every engine shares.
        for (int i = 1; i < all.ScoreDocs.Length; i++)
        {
            var (a, b) = (all.ScoreDocs[i - 1], all.ScoreDocs[i]);
            Assert.That(a.Score > b.Score || (a.Score == b.Score && IdOrder.Compare(searcher.GetId(a.Doc), searcher.GetId(b.Doc)) < 0), $"{a} before {b}");
        }
    }

    [Test]
    public void TestDeletedDocumentsAreSkippedAcrossSegments()
    {
        var docs = new[] { "经济", "经济", "合作", "经济", "经济合作" }.Select((b, i) => new TestDoc("d" + i, "", b)).ToList();
        var a = MemoryLeafReader.Build(docs.Take(2).ToList(), f => TestAnalyzers.For(f, false));
        var b = MemoryLeafReader.Build(docs.Skip(2).ToList(), f => TestAnalyzers.For(f, false), 2);
        b.Delete("d3");
        var searcher = new IndexSearcher(new DirectoryReader([a, b], 0, 1));
        var top = searcher.Search(new TermQuery(NewsFields.Body, "经济"), 10);
        Assert.That(Ids(searcher, top), Is.EquivalentTo(new[] { "d0", "d1", "d4" }));
        Assert.That(top.TotalHits, Is.EqualTo(3));
        Assert.That(searcher.Count(new TermQuery(NewsFields.Body, "经济")), Is.EqualTo(3));
    }

    [Test]
    public void TestEmptySegmentsResolve()
    {
        var empty = MemoryLeafReader.Build([], f => TestAnalyzers.For(f, false));
        var one = MemoryLeafReader.Build([new TestDoc("x", "", "经济")], f => TestAnalyzers.For(f, false));
        var searcher = new IndexSearcher(new DirectoryReader([empty, one, empty], 0, 1));
        var top = searcher.Search(new TermQuery(NewsFields.Body, "经济"), 10);
        Assert.That(Ids(searcher, top), Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void TestMinimumShouldMatch()
    {
        var searcher = new IndexSearcher(Open("经济合作", "经济", "合作发展", "经济合作发展"));
        BooleanClause Should(string t) => new(new TermQuery(NewsFields.Body, t), Occur.Should);
        var q = new BooleanQuery([Should("经济"), Should("合作"), Should("发展")], minimumShouldMatch: 2);
        Assert.That(Ids(searcher, searcher.Search(q, 10)), Is.EquivalentTo(new[] { "d0", "d2", "d3" }));
        var q3 = new BooleanQuery([Should("经济"), Should("合作"), Should("发展")], minimumShouldMatch: 3);
        Assert.That(Ids(searcher, searcher.Search(q3, 10)), Is.EqualTo(new[] { "d3" }));
    }

    [Test]
    public void TestShouldClausesAddToRequiredScore()
    {
        var searcher = new IndexSearcher(Open("经济合作", "经济"));
        var q = new BooleanQuery([
            new(new TermQuery(NewsFields.Body, "经济"), Occur.Must),
            new(new TermQuery(NewsFields.Body, "合作"), Occur.Should)]);
        var top = searcher.Search(q, 10);
        Assert.That(top.TotalHits, Is.EqualTo(2));
        Assert.That(Ids(searcher, top)[0], Is.EqualTo("d0"));
    }

    [Test]
    public void TestFilterClauseDoesNotScore()
    {
        var searcher = new IndexSearcher(Open("经济合作", "经济"));
        var plain = searcher.Search(new TermQuery(NewsFields.Body, "经济"), 10);
        var filtered = searcher.Search(new BooleanQuery([
            new(new TermQuery(NewsFields.Body, "经济"), Occur.Must),
            new(new TermQuery(NewsFields.Body, "合作"), Occur.Filter)]), 10);
        Assert.That(filtered.ScoreDocs.Single().Score, Is.EqualTo(plain.ScoreDocs.Single(d => d.Doc == 0).Score));
    }

    [Test]
    public void TestPrefixExpansionIsCompleteByDefaultAndACapIsReported()
    {
        var searcher = new IndexSearcher(Open("经济", "经常", "经过"));
        Assert.That(searcher.Search(new PrefixQuery(NewsFields.BodyGrams, "经"), 10).TotalHits, Is.EqualTo(3));
        Assert.That(searcher.PartialReason, Is.Null, "every term expanded: nothing to report");
        var capped = new IndexSearcher(searcher.Reader);
        Assert.That(capped.Search(new PrefixQuery(NewsFields.BodyGrams, "经", maxExpansions: 1), 10).TotalHits, Is.EqualTo(1));
        Assert.That(capped.PartialReason, Does.Contain("body.cjk:经*").And.Contain("first 1 terms"));
        var exact = new IndexSearcher(searcher.Reader);
        exact.Search(new PrefixQuery(NewsFields.BodyGrams, "经", maxExpansions: 3), 10);
        Assert.That(exact.PartialReason, Is.Null, "a cap that was not reached is not reported");
    }

    [Test]
    public void TestSloppyPhraseFollowsLuceneSlopSemantics()
    {
        // Test analyzers: each CJK char is one position; 经济 and 合作 are words.
        var searcher = new IndexSearcher(Open("经济合作", "经济的合作", "合作经济", "经济很好很好合作"));
        long Hits(int slop, params (string, int)[] terms) => searcher.Search(new PhraseQuery(NewsFields.Body, terms, slop), 10).TotalHits;
        Assert.That(Hits(0, ("经济", 0), ("合作", 2)), Is.EqualTo(1));
        Assert.That(Hits(1, ("经济", 0), ("合作", 2)), Is.EqualTo(2), "one extra char between: one move");
        Assert.That(Hits(3, ("经济", 0), ("合作", 2)), Is.EqualTo(2), "transposed 合作经济 needs 4 moves");
        Assert.That(Hits(4, ("经济", 0), ("合作", 2)), Is.EqualTo(4));
        var top = searcher.Search(new PhraseQuery(NewsFields.Body, [("经济", 0), ("合作", 2)], 4), 10);
        Assert.That(searcher.GetId(top.ScoreDocs[0].Doc), Is.EqualTo("d0"), "the exact occurrence scores highest");
        Assert.That(new PhraseQuery(NewsFields.Body, [("经济", 0), ("合作", 2)], 4).ToString(), Is.EqualTo("body:\"经济 合作@2\"~4"));
    }

    [Test]
    public void TestRescoreAddsTheBonusToTheHitsItMatchesAndReSorts()
    {
        var reader = new DirectoryReader([
            MemoryLeafReader.Build([new TestDoc("a", "", "经济很好很好合作"), new TestDoc("b", "", "经济合作")], f => TestAnalyzers.For(f, false)),
            MemoryLeafReader.Build([new TestDoc("c", "", "经济"), new TestDoc("d", "", "合作经济")], f => TestAnalyzers.For(f, false))], 0, 1);
        var searcher = new IndexSearcher(reader);
        var first = searcher.Search(new TermQuery(NewsFields.Body, "经济"), 10);
        var bonus = new PhraseQuery(NewsFields.Body, [("经济", 0), ("合作", 2)], 2);
        var rescored = searcher.Rescore(first.ScoreDocs, bonus);
        Assert.That(Ids(searcher, new TopDocs(4, rescored))[0], Is.EqualTo("b"), "the exact phrase gets the bonus");
        var bonusScores = searcher.Search(bonus, 10).ScoreDocs.ToDictionary(d => d.Doc, d => d.Score);
        foreach (var hit in rescored)
        {
            float before = first.ScoreDocs.Single(d => d.Doc == hit.Doc).Score;
            Assert.That(hit.Score, Is.EqualTo(before + bonusScores.GetValueOrDefault(hit.Doc)).Within(1e-5));
        }
        Assert.That(rescored, Is.Ordered.Descending.By(nameof(ScoreDoc.Score)));
    }

    [Test]
    public void TestExplanationValueIsTheHitScore()
    {
        var searcher = new IndexSearcher(Open("经济合作", "经济发展合作", "经济"));
        var query = new BooleanQuery([
            new(new BoostQuery(new TermQuery(NewsFields.Body, "经济"), 2f), Occur.Must),
            new(new PhraseQuery(NewsFields.Body, [("经济", 0), ("合作", 2)], 3), Occur.Should)]);
        foreach (var hit in searcher.Search(query, 10).ScoreDocs)
        {
            var e = searcher.Explain(query, hit.Doc);
            Assert.That(e.Match, Is.True);
            Assert.That(e.Value, Is.EqualTo(hit.Score).Within(1e-5));
            if (e.Description.StartsWith("sum of", StringComparison.Ordinal))
                Assert.That(e.Details.Sum(d => d.Value), Is.EqualTo(hit.Score).Within(1e-4), "the clauses add up");
            else
                Assert.That(e.Description, Does.StartWith("BM25 body:经济"), "one scoring clause is shown as itself");
            Assert.That(e.ToString(), Does.Contain("BM25 body:经济"));
        }
        Assert.That(searcher.Explain(new TermQuery(NewsFields.Body, "发展"), 0).Match, Is.False);
    }

    [Test]
    public void TestTopNWithSkippingEqualsPrefixOfFullRanking()
    {
        // Random texts over a few words, random queries: the top 3 (where the collector skips hits by their score
        // upper bound) must be exactly the first 3 of the full ranking.
        var rng = new Random(7);
        string[] words = ["经济", "发展", "合作", "城市", "社区", "健康", "服务", "学生"];
        var docs = Enumerable.Range(0, 300).Select(i => new TestDoc("d" + i,
            string.Concat(Enumerable.Range(0, rng.Next(0, 3)).Select(_ => words[rng.Next(words.Length)])),
            string.Concat(Enumerable.Range(0, rng.Next(1, 30)).Select(_ => words[rng.Next(words.Length)] + (rng.Next(5) == 0 ? "。" : ""))))).ToList();
        var searcher = new IndexSearcher(TestCorpus.Open(docs, f => TestAnalyzers.For(f, false)));
        var parser = new QueryParser(f => TestAnalyzers.For(f, true));
        string[] queries = ["经济", "经济 发展", "经济 OR 合作", "经济发展", "+城市 -社区", "经济^3 OR 学生 OR 服务", "健", "(经济 OR 发展) 城市"];
        foreach (var q in queries)
        {
            var query = parser.Parse(q);
            var all = searcher.Search(query, 1000);
            var top = searcher.Search(query, 3);
            Assert.That(top.TotalHits, Is.EqualTo(all.TotalHits), q);
            Assert.That(top.ScoreDocs, Is.EqualTo(all.ScoreDocs.Take(3).ToArray()), q);
        }
    }

    [Test]
    public void TestKeywordOnSortedDocValuesMatchesLikeTheTerm()
    {
        var docs = new[] { "城市", "财经", null, "城市" }.Select((sec, i) => new TestDoc("d" + i, "", "经济", Section: sec)).ToList();
        var searcher = new IndexSearcher(TestCorpus.Open(docs, f => TestAnalyzers.For(f, false)));
        var byTerm = searcher.Search(new KeywordQuery(NewsFields.Section, "城市"), 10);
        var byValue = searcher.Search(new KeywordQuery(NewsFields.Section, "城市", docValuesOnly: true), 10);
        Assert.That(byValue.ScoreDocs.Select(d => searcher.GetId(d.Doc)), Is.EquivalentTo(new[] { "d0", "d3" }));
        Assert.That(byValue.ScoreDocs, Is.EqualTo(byTerm.ScoreDocs));
    }
}
