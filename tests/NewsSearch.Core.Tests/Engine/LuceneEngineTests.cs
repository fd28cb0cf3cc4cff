using Lucene.Net.Analysis.TokenAttributes;
using NUnit.Framework;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Tests.Analysis;
using NewsSearch.Engine.Lucene;
using NsDocument = NewsSearch.Core.Index.Document;

namespace NewsSearch.Core.Tests.Engine;

/// <summary>The Lucene.Net engine on its own: analysis adapter, query compiler, commits, sort, facets, checks.</summary>
[TestFixture]
public class LuceneEngineTests
{
    private string _dir = "";
    private static readonly LuceneIndexEngine Engine = new();

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ns-lucene-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static EngineWriterOptions Options() => new()
    {
        Analyzers = TestAnalysis.Instance.IndexAnalyzer,
        AnalysisSignature = TestAnalysis.Instance.Signature.ToString(),
        BackgroundMerges = false,
    };

    private static NsDocument Doc(string id, string title, string body, string? section = null, DateOnly? date = null,
        params string[] authors) =>
        ArticleDocuments.ToDocument(new Store.Article
        {
            Id = id, Title = title, Body = body, Section = section, PublishedAt = date, Reporters = authors,
        });

    private static NewsSearcher Searcher => new(TestAnalysis.Instance);

    private static IEngineWriter WriterWithNews(string folder)
    {
        var w = Engine.OpenWriter(folder, Options());
        w.Add(Doc("a1", "株洲经济发展", "株洲市经济发展迅速，公共自行车押金退还。", "要闻", new DateOnly(2026, 5, 30), "李逸峰"));
        w.Add(Doc("a2", "轨道交通", "轨道交通建设加快，经济发展。", "城建", new DateOnly(2026, 4, 2), "王健宁", "李逸峰"));
        w.Add(Doc("a3", "文化旅游", "文化旅游节开幕，游客很多。", "要闻", null));
        w.Add(Doc("a4", "发展中国家", "发展中国家代表团来访。", "要闻", new DateOnly(2026, 5, 1)));
        w.Commit(7);
        return w;
    }

    [Test]
    public void TestTokenizerKeepsOurTermsOffsetsAndPositions()
    {
        var analysis = TestAnalysis.Instance;
        string text = "公共自行车押金退还。株洲市经济发展";
        foreach (var field in NewsFields.TextFields)
        {
            var ours = analysis.Explain(text, includeQueryChains: false).Single(f => f.Field == field);
            var expected = Core.Analysis.NewsAnalysis.IsGramField(field)
                ? Tokens(analysis.HighlightAnalyzer(field), text)
                : ours.Tokens.Select(t => (t.Term, t.StartOffset, t.EndOffset, t.Position)).ToList();
            var lucene = new NewsLuceneAnalyzer(analysis.HighlightAnalyzer);
            var got = new List<(string, int, int, int)>();
            for (int pass = 0; pass < 2; pass++) // the second pass reuses the field's components
            {
                got.Clear();
                using var ts = lucene.GetTokenStream(field, text);
                var term = ts.AddAttribute<ICharTermAttribute>();
                var offset = ts.AddAttribute<IOffsetAttribute>();
                var inc = ts.AddAttribute<IPositionIncrementAttribute>();
                ts.Reset();
                int pos = -1;
                while (ts.IncrementToken())
                {
                    pos += inc.PositionIncrement;
                    got.Add((term.ToString(), offset.StartOffset, offset.EndOffset, pos));
                }
                ts.End();
                Assert.That(got, Is.EqualTo(expected), $"{field}, pass {pass}");
            }
        }
    }

    private static List<(string, int, int, int)> Tokens(Core.Analysis.Analyzer a, string text)
    {
        var ts = a.CreateTokenStream();
        ts.SetText(text);
        var list = new List<(string, int, int, int)>();
        int pos = -1;
        while (ts.IncrementToken())
        {
            pos += ts.PositionIncrement;
            list.Add((ts.Term.ToString(), ts.StartOffset, ts.EndOffset, pos));
        }
        return list;
    }

    [Test]
    public void TestEveryParserNodeTypeCompilesAndUnknownOnesAreRefused()
    {
        string[] queries =
        [
            "经济", "\"经济发展\"", "经济发展", "株", "李逸峰", "+经济 -政治", "经济 OR 交通", "title:交通^2",
            "author:李逸峰", "section:要闻", "id:a1", "kind:article", "date:2026-05", "date:[2026-04-01 TO 2026-05-31]",
            "-经济", "的", "the", "abc",
            // Issue 9's syntax: sloppy phrases, word prefixes (also author), match-all, exclusive ranges, escapes,
            // and queries whose OR fallback and proximity bonus are built too.
            "\"经济 发展\"~3", "\"经济发展\"~0", "title:\"交通 安全\"~5", "经济*", "title:交通*", "body:互联*", "author:李*",
            "*:*", "*:* -经济", "date:{2026-04-01 TO 2026-05-31}", "\\+经济", "经济 发展 改革", "(经济 OR 交通) 发展",
        ];
        var seen = new HashSet<Type>();
        var searcher = Searcher;
        foreach (var q in queries)
        {
            var parsed = searcher.Parser.ParseWithFallback(q);
            foreach (var query in new[] { parsed.Query, parsed.OrFallback, parsed.Proximity })
            {
                if (query is null) continue;
                query.Visit(n => seen.Add(n.GetType()));
                Assert.DoesNotThrow(() => LuceneQueryCompiler.Compile(query), q);
            }
        }
        // A sloppy phrase keeps its slop.
        var sloppy = LuceneQueryCompiler.Compile(new PhraseQuery("body", [("经济", 0), ("发展", 1)], 3));
        Assert.That(sloppy, Is.InstanceOf<Lucene.Net.Search.PhraseQuery>());
        Assert.That(((Lucene.Net.Search.PhraseQuery)sloppy).Slop, Is.EqualTo(3));
        // Every concrete node type of our query tree is emitted by the parser above (so a new one must be added here
        // and to the compiler).
        var nodeTypes = typeof(Query).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Query)) && !t.IsAbstract && t.IsPublic);
        Assert.That(seen, Is.SupersetOf(nodeTypes));
        Assert.That(seen, Is.SupersetOf(new[]
        {
            typeof(TermQuery), typeof(PhraseQuery), typeof(PrefixQuery), typeof(BooleanQuery), typeof(BoostQuery),
            typeof(KeywordQuery), typeof(NumericRangeQuery), typeof(MatchAllDocsQuery), typeof(MatchNoDocsQuery),
        }));
        Assert.DoesNotThrow(() => LuceneQueryCompiler.Compile(new BooleanQuery([new(new TermQuery("body", "x"), Occur.Filter)], 1)));
        var e = Assert.Throws<NotSupportedException>(() => LuceneQueryCompiler.Compile(new UnknownQuery()));
        Assert.That(e!.Message, Does.Contain(nameof(UnknownQuery)));
    }

    private sealed class UnknownQuery : Query
    {
        public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) => throw new NotImplementedException();
        public override string ToString() => "unknown";
    }

    [Test]
    public void TestCommitUserDataSurvivesReopenAndReadOnlyOpen()
    {
        using (var w = WriterWithNews(_dir))
        {
            Assert.That(w.LastCommit.StoreSequence, Is.EqualTo(7));
            Assert.That(w.LastCommit.Generation, Is.GreaterThan(0));
            w.Add(Doc("uncommitted", "未提交", "这篇没有提交。"));
        }
        using (var w = Engine.OpenWriter(_dir, Options()))
        {
            Assert.That(w.LastCommit.StoreSequence, Is.EqualTo(7));
            Assert.That(w.LastCommit.AnalysisSignature, Is.EqualTo(TestAnalysis.Instance.Signature.ToString()));
            Assert.That(w.LastCommit.Format, Is.EqualTo("lucene/4.8"));
            using var s = w.AcquireSnapshot();
            Assert.That(s.LiveIds(), Is.EquivalentTo(new[] { "a1", "a2", "a3", "a4" }), "dispose rolled back the uncommitted add");
            using var ro = Engine.OpenReadOnly(_dir)!;
            Assert.That(ro.StoreSequence, Is.EqualTo(7));
            Assert.That(ro.NumDocs, Is.EqualTo(4));
        }
    }

    [Test]
    public void TestASecondWriterIsRefusedWithIndexLocked()
    {
        using var w = Engine.OpenWriter(_dir, Options());
        Assert.Throws<IndexLockedException>(() => Engine.OpenWriter(_dir, Options()).Dispose());
    }

    [Test]
    public void TestUpdateAndDeleteByIdAreSearchableAfterCommit()
    {
        using var w = WriterWithNews(_dir);
        using var before = w.AcquireSnapshot();
        w.Update(Doc("a3", "文化旅游", "轨道交通也去了。"));
        w.Delete("a4");
        w.Commit(8);
        using var after = w.AcquireSnapshot();
        var q = Searcher.Parse("轨道交通");
        Assert.That(after.Search(new EngineSearchRequest(q, 10)).Hits.Select(h => h.Id), Is.EquivalentTo(new[] { "a2", "a3" }));
        Assert.That(after.LiveIds(), Does.Not.Contain("a4"));
        Assert.That(before.LiveIds(), Does.Contain("a4"), "an older snapshot keeps its view");
        Assert.That(before.StoreSequence, Is.EqualTo(7));
        Assert.That(after.StoreSequence, Is.EqualTo(8));
    }

    [Test]
    public void TestAPrefixKeptPerSegmentStillSeesDeletionsAndNewSegments()
    {
        using var w = WriterWithNews(_dir);
        var q = Searcher.Parse("发"); // one Han char: a prefix over the gram fields, its match sets kept per segment
        using var before = w.AcquireSnapshot();
        string[] Ids(IEngineSnapshot s) => s.Search(new EngineSearchRequest(q, 10)).Hits.Select(h => h.Id).ToArray();
        Assert.That(Ids(before), Is.EquivalentTo(new[] { "a1", "a2", "a4" }));
        Assert.That(Ids(before), Is.EquivalentTo(new[] { "a1", "a2", "a4" }), "again, from the kept sets");
        w.Delete("a4");
        w.Add(Doc("a5", "新闻发布会", "市政府召开新闻发布会。"));
        w.Commit(8);
        using var after = w.AcquireSnapshot();
        Assert.That(Ids(after), Is.EquivalentTo(new[] { "a1", "a2", "a5" }));
        Assert.That(after.Search(new EngineSearchRequest(q, 0)).TotalHits, Is.EqualTo(3));
        Assert.That(Ids(before), Is.EquivalentTo(new[] { "a1", "a2", "a4" }), "an older snapshot keeps its view");
    }

    [Test]
    public void TestSortFilterAndFacetsOverTheWholeMatchingSet()
    {
        using var w = WriterWithNews(_dir);
        using var s = w.AcquireSnapshot();
        var all = Searcher.Parse("-不存在的词");
        var newest = s.Search(new EngineSearchRequest(all, 10) { Order = HitOrder.Newest });
        Assert.That(newest.Hits.Select(h => h.Id), Is.EqualTo(new[] { "a1", "a4", "a2", "a3" }), "undated last");
        var oldest = s.Search(new EngineSearchRequest(all, 10) { Order = HitOrder.Oldest });
        Assert.That(oldest.Hits.Select(h => h.Id), Is.EqualTo(new[] { "a2", "a4", "a1", "a3" }), "undated last");
        Assert.That(oldest.Hits[0].Day, Is.EqualTo(ArticleDocuments.DayOf(new DateOnly(2026, 4, 2))));
        Assert.That(oldest.Hits[3].Day, Is.EqualTo(long.MinValue));

        var filtered = s.Search(new EngineSearchRequest(Searcher.Parse("经济"), 1)
        {
            Filter = Searcher.Parse("section:要闻"),
            Facets = FacetFields.Month | FacetFields.Author | FacetFields.Section,
        });
        Assert.That(filtered.TotalHits, Is.EqualTo(1));
        Assert.That(filtered.Hits.Single().Id, Is.EqualTo("a1"));

        var faceted = s.Search(new EngineSearchRequest(all, 1) { Facets = FacetFields.Month | FacetFields.Author | FacetFields.Section });
        Assert.That(faceted.Hits, Has.Count.EqualTo(1), "facets count beyond the page");
        Assert.That(faceted.Facets[FacetFields.Month], Is.EqualTo(new[] { new FacetValue("2026-05", 2), new FacetValue("2026-04", 1) }));
        Assert.That(faceted.Facets[FacetFields.Author], Is.EqualTo(new[] { new FacetValue("李逸峰", 2), new FacetValue("王健宁", 1) }));
        Assert.That(faceted.Facets[FacetFields.Section], Is.EqualTo(new[] { new FacetValue("要闻", 3), new FacetValue("城建", 1) }));
    }

    [Test]
    public void TestRelevanceTiesAreBrokenByArticleId()
    {
        using var w = Engine.OpenWriter(_dir, Options());
        foreach (var id in new[] { "z9", "b2", "m5", "a1" }) w.Add(Doc(id, "同样的标题", "同样的正文内容。"));
        w.Commit(1);
        using var s = w.AcquireSnapshot();
        var r = s.Search(new EngineSearchRequest(Searcher.Parse("正文"), 10));
        Assert.That(r.Hits.Select(h => h.Id), Is.EqualTo(new[] { "a1", "b2", "m5", "z9" }));
    }

    [Test]
    public void TestExplainReturnsTheScoreBreakdown()
    {
        using var w = WriterWithNews(_dir);
        using var s = w.AcquireSnapshot();
        var r = s.Search(new EngineSearchRequest(Searcher.Parse("经济"), 3) { Explain = true });
        Assert.That(r.Hits, Is.Not.Empty);
        foreach (var h in r.Hits)
        {
            Assert.That(h.Explanation, Is.Not.Null);
            Assert.That(h.Explanation!.Value, Is.EqualTo(h.Score).Within(1e-4));
            Assert.That(h.Explanation.Details, Is.Not.Empty);
        }
    }

    [Test]
    public void TestCheckToleratesACutOffSegmentsGenButNotAFlippedOne()
    {
        using (var w = WriterWithNews(_dir)) w.Commit(8);
        string gen = Path.Combine(_dir, "segments.gen");
        var whole = File.ReadAllBytes(gen);
        // A crash while the hint is written leaves it short: Lucene ignores it, so check does too.
        File.WriteAllBytes(gen, whole[..10]);
        Assert.That(Engine.Check(_dir).Ok, Is.True, string.Join("; ", Engine.Check(_dir).Problems));
        using (var s = Engine.OpenReadOnly(_dir, verifyChecksums: true)!)
            Assert.That(s.NumDocs, Is.EqualTo(4));
        var flipped = (byte[])whole.Clone();
        flipped[6] ^= 0x40;
        File.WriteAllBytes(gen, flipped);
        Assert.That(Engine.Check(_dir).Problems, Has.Some.Contains("segments.gen"));
    }

    [Test]
    public void TestCheckFindsAFlippedByte()
    {
        using (var w = WriterWithNews(_dir)) w.ForceMerge();
        Assert.That(Engine.Check(_dir).Ok, Is.True, string.Join("; ", Engine.Check(_dir).Problems));
        var victim = new DirectoryInfo(_dir).GetFiles().Where(f => !f.Name.StartsWith("segments") && f.Name != "write.lock")
            .OrderByDescending(f => f.Length).First();
        var bytes = File.ReadAllBytes(victim.FullName);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(victim.FullName, bytes);
        var result = Engine.Check(_dir);
        Assert.That(result.Ok, Is.False, $"flipped a byte of {victim.Name}");
        Assert.That(result.Problems, Is.Not.Empty);
    }

    [Test]
    public void TestANativeIndexFolderIsRefusedAsAnotherFormat()
    {
        using (var native = NewsSearch.Core.Index.IndexWriter.Open(_dir, new IndexWriterConfig
        {
            Analyzers = TestAnalysis.Instance.IndexAnalyzer,
            AnalysisSignature = "x",
            BackgroundMerges = false,
        }))
        {
            native.AddDocument(Doc("n1", "标题", "正文"));
            native.Commit(1);
        }
        var e = Assert.Throws<IndexCorruptException>(() => Engine.OpenWriter(_dir, Options()).Dispose());
        Assert.That(e!.FormatMismatch, Is.True, e.Message);
    }

    [Test]
    public void TestStatsCountSegmentsDocsAndBytes()
    {
        using var w = WriterWithNews(_dir);
        w.ForceMerge();
        w.Commit(9);
        using var s = w.AcquireSnapshot();
        var stats = s.GetStats(_dir);
        Assert.That(stats.NumDocs, Is.EqualTo(4));
        Assert.That((stats.Engine, stats.Format), Is.EqualTo(("lucene", "lucene/4.8")));
        Assert.That(stats.Segments, Has.Count.EqualTo(1));
        Assert.That(stats.TotalBytes, Is.GreaterThan(0));
        Assert.That(stats.TermsPerField[NewsFields.BodyGrams], Is.GreaterThan(0));
        Assert.That(s.DocFreq(NewsFields.Section, "要闻"), Is.EqualTo(3));
    }
}
