using NUnit.Framework;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Index;

/// <summary>Segments compare article ids by a per-document 8-byte key first: the result must be byte order always.</summary>
public class IdOrderTests : TempFolderTest
{
    private static readonly string[][] Segments =
    [
        ["2026-06-01/A01#1", "2026-06-01/A01#10", "2026-06-01", "n1", "株洲/甲", "abcdefgh", "abcdefghi"],
        ["2026-06-01/A01#2", "2026-06-0", "n10", "株洲/乙", "abcdefg", "abcdefgh2", "z"],
    ];

    private IndexSnapshot OpenTwoSegments()
    {
        using (var w = IndexWriter.Open(Folder, Config(policy: new TieredMergePolicy { SegmentsPerTier = 1000 })))
        {
            long seq = 0;
            foreach (var ids in Segments)
            {
                foreach (var id in ids) w.AddDocument(MakeDoc(id, "t", "正文"));
                w.Commit(++seq);
            }
        }
        return IndexSnapshot.Open(Folder);
    }

    [Test]
    public void TestEqualScoresRankByIdWhateverPrefixesTheIdsShare()
    {
        using var s = OpenTwoSegments();
        var searcher = new NewsSearch.Core.Search.IndexSearcher(s);
        var query = new NewsSearch.Core.Search.TermQuery(NewsFields.Body, "正文");
        var byId = Segments.SelectMany(ids => ids).Order(Comparer<string>.Create(IdOrder.Compare)).ToList();
        // Every document scores the same: the top k are the k lowest ids, whichever segment holds them.
        for (int k = 1; k <= byId.Count; k++)
            Assert.That(searcher.Search(query, k).ScoreDocs.Select(h => searcher.GetId(h.Doc)), Is.EqualTo(byId.Take(k)), $"top {k}");
    }

    [Test]
    public void TestSegmentsCompareIdsInByteOrderWhateverPrefixesTheyShare()
    {
        using var s = OpenTwoSegments();
        Assert.That(s.Segments, Has.Count.EqualTo(2));
        var docs = s.Segments.SelectMany(seg => Enumerable.Range(0, seg.MaxDoc).Select(d => (Leaf: seg, Doc: d))).ToList();
        Assert.That(docs, Has.Count.EqualTo(14));
        foreach (var a in docs)
            foreach (var b in docs)
            {
                string ia = a.Leaf.GetId(a.Doc), ib = b.Leaf.GetId(b.Doc);
                Assert.That(Math.Sign(a.Leaf.CompareIds(a.Doc, b.Leaf, b.Doc)), Is.EqualTo(Math.Sign(IdOrder.Compare(ia, ib))), $"{ia} vs {ib}");
            }
    }
}
