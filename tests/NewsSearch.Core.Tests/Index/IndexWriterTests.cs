using NUnit.Framework;
using NewsSearch.Core.Index;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Index;

public class IndexWriterTests : TempFolderTest
{
    [Test]
    public void TestRoundTripOfTermsPositionsNormsAndDocValues()
    {
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            w.AddDocument(MakeDoc("a", "Hello World", "the cat sat on the mat", "City", 19000, "Li Lei", "Han Meimei"));
            w.AddDocument(MakeDoc("b", "Second title", "the dog", null, null));
            w.AddDocument(MakeDoc("c", "hello again", "cat cat cat", "Sports", -5));
            w.Commit(42);
        }
        using var s = IndexSnapshot.Open(Folder);
        Assert.That(s.NumDocs, Is.EqualTo(3));
        Assert.That(s.StoreSequence, Is.EqualTo(42));
        Assert.That(s.AnalysisSignature, Is.EqualTo(TestAnalysis.Signature));
        var leaf = s.Segments.Single();
        Assert.That(Enumerable.Range(0, 3).Select(leaf.GetId), Is.EqualTo(new[] { "a", "b", "c" }));

        var pe = leaf.GetPostings(NewsFields.Body, "the", true)!;
        Assert.That(pe.NextDoc(), Is.EqualTo(0));
        Assert.That(pe.Freq, Is.EqualTo(2));
        Assert.That(pe.NextPosition(), Is.EqualTo(0));
        Assert.That(pe.NextPosition(), Is.EqualTo(4));
        Assert.That(pe.NextDoc(), Is.EqualTo(1));
        Assert.That(pe.NextPosition(), Is.EqualTo(0));
        Assert.That(pe.NextDoc(), Is.EqualTo(PostingsEnum.NoMoreDocs));

        Assert.That(leaf.DocFreq(NewsFields.Body, "cat"), Is.EqualTo(2));
        Assert.That(leaf.DocFreq(NewsFields.Title, "hello"), Is.EqualTo(2));
        Assert.That(leaf.DocFreq(NewsFields.Title, "Hello"), Is.EqualTo(0), "terms are as analyzed (lowercase)");
        Assert.That(leaf.GetPostings(NewsFields.Body, "zebra", false), Is.Null);
        Assert.That(leaf.GetPostings("nofield", "cat", false), Is.Null);
        Assert.That(leaf.DocFreq(NewsFields.Author, "Han Meimei"), Is.EqualTo(1));

        Assert.That(leaf.GetFieldLength(NewsFields.Body, 0), Is.EqualTo(6));
        Assert.That(leaf.GetFieldLength(NewsFields.Body, 2), Is.EqualTo(3));
        Assert.That(leaf.GetFieldLength(NewsFields.Title, 1), Is.EqualTo(2));
        var stats = s.GetFieldStatistics(NewsFields.Body);
        Assert.That(stats.DocCount, Is.EqualTo(3));
        Assert.That(stats.SumTotalTermFreq, Is.EqualTo(11));

        Assert.That(leaf.GetNumericValue(NewsFields.PublishedDay, 0), Is.EqualTo(19000));
        Assert.That(leaf.GetNumericValue(NewsFields.PublishedDay, 1, -1), Is.EqualTo(-1));
        Assert.That(leaf.GetNumericValue(NewsFields.PublishedDay, 2), Is.EqualTo(-5));
        Assert.That(leaf.GetSortedValue(NewsFields.Section, 0), Is.EqualTo("City"));
        Assert.That(leaf.GetSortedValue(NewsFields.Section, 1), Is.Null);
        Assert.That(leaf.GetSortedValue(NewsFields.Section, 2), Is.EqualTo("Sports"));
        var col = leaf.GetSortedColumn(NewsFields.Section)!;
        Assert.That(col.LookupTerm("Sports"), Is.EqualTo(col.GetOrd(2)));
    }

    [Test]
    public void TestTermsEnumSeekCeilAndOrder()
    {
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            // Enough terms for several dictionary blocks.
            for (int i = 0; i < 300; i++) w.AddDocument(MakeDoc("d" + i, "t", $"k{i:D4} z{i % 7}"));
            w.Commit(1);
        }
        using var s = IndexSnapshot.Open(Folder);
        var te = s.Segments[0].GetTerms(NewsFields.Body)!;
        Assert.That(te.SeekCeil("k0150"), Is.True);
        Assert.That(te.Term.ToString(), Is.EqualTo("k0150"));
        Assert.That(te.SeekCeil("k0150a"), Is.True);
        Assert.That(te.Term.ToString(), Is.EqualTo("k0151"));
        Assert.That(te.Next(), Is.True);
        Assert.That(te.Term.ToString(), Is.EqualTo("k0152"));
        Assert.That(te.SeekCeil("a"), Is.True);
        Assert.That(te.Term.ToString(), Is.EqualTo("k0000"));
        Assert.That(te.SeekCeil("z6"), Is.True);
        Assert.That(te.DocFreq, Is.GreaterThan(40));
        Assert.That(te.Next(), Is.False);
        Assert.That(te.SeekCeil("zz"), Is.False);
    }

    [Test]
    public void TestRandomDocumentsMatchTheModelAcrossFlushesUpdatesDeletesAndMerges()
    {
        var rng = new Random(7);
        var live = new Dictionary<string, Document>();
        // A small RAM buffer forces several flushed segments per commit.
        using (var w = IndexWriter.Open(Folder, Config(ram: 1L << 20, policy: new TieredMergePolicy { SegmentsPerTier = 3, MaxMergeAtOnce = 3 })))
        {
            for (int round = 0; round < 4; round++)
            {
                for (int i = 0; i < 700; i++)
                {
                    string id = "doc" + rng.Next(1500);
                    var d = MakeDoc(id, RandomText(rng, 5), RandomText(rng, rng.Next(1, 120)), "s" + rng.Next(4), rng.Next(20000), "a" + rng.Next(30));
                    w.UpdateDocument(d);
                    live[id] = d;
                    if (rng.Next(10) == 0)
                    {
                        string del = "doc" + rng.Next(1500);
                        w.DeleteDocument(del);
                        live.Remove(del);
                    }
                }
                w.Commit(round + 1);
                using var snap = w.AcquireSnapshot();
                Assert.That(snap.NumDocs, Is.EqualTo(live.Count));
                AssertSameContent(live.Values, snap);
            }
            Assert.That(w.SegmentsInfo(), Has.Count.GreaterThan(1), "the small buffer produced several segments");
            w.ForceMerge();
            w.Commit(99);
            using var merged = w.AcquireSnapshot();
            Assert.That(merged.Segments, Has.Count.EqualTo(1));
            Assert.That(merged.MaxDoc, Is.EqualTo(live.Count), "force merge purges deleted docs");
            AssertSameContent(live.Values, merged);
        }
        using var reopened = IndexSnapshot.Open(Folder);
        Assert.That(reopened.LiveIds(), Is.EquivalentTo(live.Keys));
        foreach (var leaf in reopened.Segments)
            for (int d = 0; d < leaf.MaxDoc; d++)
            {
                var src = live[leaf.GetId(d)];
                Assert.That(leaf.GetSortedValue(NewsFields.Section, d), Is.EqualTo(src.SortedFields[0].Value));
                Assert.That(leaf.GetNumericValue(NewsFields.PublishedDay, d), Is.EqualTo(src.NumericFields[0].Value));
                int expectedLength = src.TextFields[1].Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                Assert.That(leaf.GetFieldLength(NewsFields.Body, d), Is.EqualTo(expectedLength));
            }
    }

    [Test]
    public void TestAdvanceAgreesWithNextDocIncludingPositions()
    {
        var rng = new Random(11);
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            for (int i = 0; i < 3000; i++) w.AddDocument(MakeDoc("d" + i, "t", RandomText(rng, rng.Next(1, 60))));
            w.Commit(1);
        }
        using var s = IndexSnapshot.Open(Folder);
        var leaf = s.Segments.Single();
        foreach (var term in new[] { "w0", "w1", "w5", "w40", "w300" })
        {
            var all = new List<(int Doc, int[] Positions)>();
            var pe = leaf.GetPostings(NewsFields.Body, term, true)!;
            for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
                all.Add((d, Enumerable.Range(0, pe.Freq).Select(_ => pe.NextPosition()).ToArray()));
            Assert.That(all, Has.Count.EqualTo(leaf.DocFreq(NewsFields.Body, term)));
            for (int trial = 0; trial < 20; trial++)
            {
                var e = leaf.GetPostings(NewsFields.Body, term, true)!;
                int target = -1;
                while (true)
                {
                    target += 1 + rng.Next(rng.Next(2) == 0 ? 5 : 400);
                    int got = e.Advance(target);
                    int idx = all.FindIndex(x => x.Doc >= target);
                    if (idx < 0) { Assert.That(got, Is.EqualTo(PostingsEnum.NoMoreDocs)); break; }
                    Assert.That(got, Is.EqualTo(all[idx].Doc), $"{term}: advance({target})");
                    if (rng.Next(2) == 0)
                    {
                        var positions = Enumerable.Range(0, e.Freq).Select(_ => e.NextPosition()).ToArray();
                        Assert.That(positions, Is.EqualTo(all[idx].Positions), $"{term}: positions at {got}");
                    }
                    target = got;
                }
            }
        }
    }

    [Test]
    public void TestRamBudgetFlushesFullSegmentsAgainAfterTheFirstFlush()
    {
        var rng = new Random(3);
        using var w = IndexWriter.Open(Folder, Config(ram: 1L << 20, policy: new TieredMergePolicy { SegmentsPerTier = 1000 }));
        for (int i = 0; i < 3000; i++) w.AddDocument(MakeDoc("d" + i, "t", RandomText(rng, 100)));
        var segments = w.SegmentsInfo();
        Assert.That(segments, Has.Count.InRange(2, 40), "the buffer is reused, not flushed per document once full");
        Assert.That(segments.Skip(1).Min(s => s.MaxDoc), Is.GreaterThan(50));
    }

    [Test]
    public void TestUpdateReplacesTheOlderVersionInBufferAndInSegments()
    {
        using var w = IndexWriter.Open(Folder, Config());
        w.UpdateDocument(MakeDoc("x", "one", "alpha"));
        w.UpdateDocument(MakeDoc("x", "two", "beta"));
        w.Commit(1);
        w.UpdateDocument(MakeDoc("x", "three", "gamma"));
        w.Commit(2);
        using var s = w.AcquireSnapshot();
        Assert.That(s.NumDocs, Is.EqualTo(1));
        Assert.That(s.LiveIds(), Is.EquivalentTo(new[] { "x" }));
        AssertSameContent([MakeDoc("x", "three", "gamma")], s);
        w.DeleteDocument("x");
        w.Commit(3);
        using var s2 = w.AcquireSnapshot();
        Assert.That(s2.NumDocs, Is.EqualTo(0));
        Assert.That(s.NumDocs, Is.EqualTo(1), "an older snapshot does not see later deletes");
    }
}
