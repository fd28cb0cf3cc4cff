using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Tests.Index;

namespace NewsSearch.Core.Tests.Search;

/// <summary>PrefixQuery over an on-disk index of several segments (postings enum and bitset reused across them).</summary>
public class PrefixQueryTest
{
    private string _folder = "";

    [SetUp]
    public void SetUp() => _folder = IndexTestKit.NewTempFolder();

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }

    [Test]
    public void TestPrefixMatchesEqualTheModelAcrossSegmentsOfDecreasingAndIncreasingSize()
    {
        var rng = new Random(21);
        var bodies = new Dictionary<string, string>();
        int n = 0;
        using (var w = IndexWriter.Open(_folder, IndexTestKit.Config(policy: new TieredMergePolicy { SegmentsPerTier = 1000 })))
        {
            // A large segment first, then smaller and larger ones: a reused bitset must be cleared, not trusted.
            foreach (int size in new[] { 1500, 200, 900, 64 })
            {
                for (int i = 0; i < size; i++, n++)
                {
                    string body = IndexTestKit.RandomText(rng, rng.Next(1, 30));
                    bodies["d" + n] = body;
                    w.AddDocument(IndexTestKit.MakeDoc("d" + n, "t", body));
                }
                w.Commit(n);
            }
            w.DeleteDocument("d3");
            w.Commit(n + 1);
        }
        bodies.Remove("d3");
        using var s = IndexSnapshot.Open(_folder);
        Assert.That(s.Segments, Has.Count.EqualTo(4));
        var searcher = new IndexSearcher(s);
        foreach (var prefix in new[] { "w", "w1", "w59", "w42", "w599", "x" })
        {
            var expected = bodies.Where(b => b.Value.Split(' ').Any(t => t.StartsWith(prefix, StringComparison.Ordinal)))
                .Select(b => b.Key).OrderBy(id => id, StringComparer.Ordinal).ToList();
            var query = new PrefixQuery(NewsFields.Body, prefix);
            var top = searcher.Search(query, 10_000);
            Assert.That(top.TotalHits, Is.EqualTo(expected.Count), prefix);
            Assert.That(top.ScoreDocs.Select(h => searcher.GetId(h.Doc)).OrderBy(id => id, StringComparer.Ordinal),
                Is.EqualTo(expected), prefix);
            Assert.That(searcher.Count(query), Is.EqualTo(expected.Count), prefix);
            // Inside a conjunction the prefix scorer is usually not run to its end (no bitset handed back).
            var both = new BooleanQuery([new(new PrefixQuery(NewsFields.Body, prefix), Occur.Must),
                new(new TermQuery(NewsFields.Body, "w7"), Occur.Must)]);
            var expectedBoth = expected.Count(id => bodies[id].Split(' ').Contains("w7"));
            Assert.That(searcher.Count(both), Is.EqualTo(expectedBoth), prefix + " +w7");
        }

        // Two prefixes ORed (the single-Han-character shape): each doc scores the sum of the boosts it matches.
        bool Holds(string id, string p) => bodies[id].Split(' ').Any(t => t.StartsWith(p, StringComparison.Ordinal));
        var either = new BooleanQuery([new(new BoostQuery(new PrefixQuery(NewsFields.Body, "w1"), 0.6f), Occur.Should),
            new(new BoostQuery(new PrefixQuery(NewsFields.Body, "w2"), 0.3f), Occur.Should)]);
        var union = bodies.Keys.Where(id => Holds(id, "w1") || Holds(id, "w2")).ToList();
        Assert.That(union.Count(id => Holds(id, "w1") && Holds(id, "w2")), Is.GreaterThan(10));
        Assert.That(union.Count(id => Holds(id, "w2") && !Holds(id, "w1")), Is.GreaterThan(10));
        var all = searcher.Search(either, 10_000);
        Assert.That(all.TotalHits, Is.EqualTo(union.Count));
        Assert.That(all.ScoreDocs.ToDictionary(h => searcher.GetId(h.Doc), h => h.Score),
            Is.EquivalentTo(union.ToDictionary(id => id, id => (Holds(id, "w1") ? 0.6f : 0f) + (Holds(id, "w2") ? 0.3f : 0f))));
        var top5 = searcher.Search(either, 5).ScoreDocs.Select(h => searcher.GetId(h.Doc));
        Assert.That(top5, Is.EqualTo(all.ScoreDocs.Take(5).Select(h => searcher.GetId(h.Doc))), "top 5 = best 5 of the full ranking");
        Assert.That(searcher.Count(either), Is.EqualTo(union.Count));
        // Both prefixes required (minimumShouldMatch 2 keeps the general disjunction).
        var bothPrefixes = new BooleanQuery(either.Clauses, minimumShouldMatch: 2);
        Assert.That(searcher.Count(bothPrefixes), Is.EqualTo(union.Count(id => Holds(id, "w1") && Holds(id, "w2"))));
    }
}
