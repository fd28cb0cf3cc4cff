using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Tests.Index;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Search;

/// <summary>A dense exact phrase counted again is answered from its segment's cached match set: the counts must stay
/// those of a phrase checked document by document, across repeated counts, ORs and deletions.</summary>
public class PhraseMatchCacheTest : TempFolderTest
{
    [Test]
    public void TestRepeatedCountsOfADensePhraseStayExactAcrossDeletions()
    {
        var rng = new Random(3);
        var bodies = new Dictionary<string, string>();
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            for (int i = 0; i < 3000; i++)
            {
                string id = "d" + i, body = RandomText(rng, rng.Next(5, 40));
                bodies[id] = body;
                w.AddDocument(MakeDoc(id, "t", body));
            }
            w.Commit(1);
        }
        var phrase = new PhraseQuery(NewsFields.Body, [("w0", 0), ("w1", 1)]);
        var either = new BooleanQuery([new(new TermQuery(NewsFields.Body, "w5"), Occur.Should), new(phrase, Occur.Should)]);
        long Expected(Func<string[], bool> match) => bodies.Values.Count(b => match(b.Split(' ')));
        static bool HasPhrase(string[] t) => Enumerable.Range(0, t.Length - 1).Any(i => t[i] == "w0" && t[i + 1] == "w1");
        long phraseHits = Expected(HasPhrase), eitherHits = Expected(t => t.Contains("w5") || HasPhrase(t));
        Assert.That(phraseHits, Is.GreaterThan(3000 / 64), "dense enough to be cached");

        using (var s = IndexSnapshot.Open(Folder))
        {
            var searcher = new IndexSearcher(s);
            for (int round = 0; round < 3; round++)
            {
                Assert.That(searcher.Count(phrase), Is.EqualTo(phraseHits), $"round {round}");
                Assert.That(searcher.Count(either), Is.EqualTo(eitherHits), $"round {round}");
            }
            Assert.That(s.Segments[0].Core.PhraseMatches.Count, Is.EqualTo(1), "kept from the second count on");
        }

        var deleted = bodies.Keys.Where((_, i) => i % 3 == 0).ToList();
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            foreach (var id in deleted) { w.DeleteDocument(id); bodies.Remove(id); }
            w.Commit(2);
        }
        using (var s = IndexSnapshot.Open(Folder))
        {
            var searcher = new IndexSearcher(s);
            for (int round = 0; round < 3; round++)
            {
                Assert.That(searcher.Count(phrase), Is.EqualTo(Expected(HasPhrase)), $"after deletions, round {round}");
                Assert.That(searcher.Search(phrase, 5).TotalHits, Is.EqualTo(Expected(HasPhrase)));
            }
        }
    }
}
