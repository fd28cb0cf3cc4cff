using NUnit.Framework;
using NewsSearch.Core.Index;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Index;

/// <summary>LeafReader.GetFieldLengths (the per-segment norms accessor) against GetFieldLength.</summary>
public class FieldLengthsTests : TempFolderTest
{
    [Test]
    public void TestAccessorEqualsGetFieldLengthForNormWidthsOneTwoAndFour()
    {
        var rng = new Random(17);
        var expected = new Dictionary<string, int>();
        using (var w = IndexWriter.Open(Folder, Config(policy: new TieredMergePolicy { SegmentsPerTier = 1000 })))
        {
            // Segment 1: short bodies (1-byte norms); 2: one body of 300 tokens (2 bytes); 3: one of 70,000 (4 bytes).
            foreach (int longest in new[] { 0, 300, 70_000 })
            {
                for (int i = 0; i < 50; i++)
                {
                    int words = i == 7 && longest > 0 ? longest : rng.Next(1, 40);
                    string id = $"s{longest}-{i}";
                    expected[id] = words;
                    w.AddDocument(MakeDoc(id, "t", RandomText(rng, words)));
                }
                w.Commit(expected.Count);
            }
        }
        using var s = IndexSnapshot.Open(Folder);
        Assert.That(s.Segments, Has.Count.EqualTo(3));
        foreach (var leaf in s.Segments)
        {
            var body = leaf.GetFieldLengths(NewsFields.Body);
            var title = leaf.GetFieldLengths(NewsFields.Title);
            var absent = leaf.GetFieldLengths("nofield");
            for (int d = 0; d < leaf.MaxDoc; d++)
            {
                Assert.That(body.Get(d), Is.EqualTo(expected[leaf.GetId(d)]), leaf.GetId(d));
                Assert.That(body.Get(d), Is.EqualTo(leaf.GetFieldLength(NewsFields.Body, d)));
                Assert.That(title.Get(d), Is.EqualTo(1));
                Assert.That(absent.Get(d), Is.EqualTo(0));
                Assert.That(leaf.GetFieldLength("nofield", d), Is.EqualTo(0));
            }
        }
    }

    [Test]
    public void TestArrayDefaultAndFallbackForms()
    {
        Assert.That(new FieldLengths([4, 0, 9]).Get(2), Is.EqualTo(9));
        Assert.That(default(FieldLengths).Get(5), Is.EqualTo(0));
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            w.AddDocument(MakeDoc("a", "t", "one two three"));
            w.Commit(1);
        }
        using var s = IndexSnapshot.Open(Folder);
        // The constructor any LeafReader without its own accessor gets: defers to GetFieldLength.
        Assert.That(new FieldLengths(s.Segments[0], NewsFields.Body).Get(0), Is.EqualTo(3));
    }
}
