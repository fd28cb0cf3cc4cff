using NUnit.Framework;
using NewsSearch.Core.Index;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Index;

/// <summary>The reuse overload of TermsEnum.Postings and the docs-only IntoBitSet union, against fresh enums.</summary>
public class PostingsReuseTests : TempFolderTest
{
    /// <summary>Three segments (no merges) of 1500, 300 and 4500 docs: full 128-doc blocks with skip data, vInt
    /// tails and pulsed single-doc terms, and in the large one dense terms (their doc bitsets stored too); body has
    /// freqs and positions, author freqs only, id docs only.</summary>
    private IndexSnapshot OpenThreeSegments()
    {
        var rng = new Random(5);
        int n = 0;
        using (var w = IndexWriter.Open(Folder, Config(policy: new TieredMergePolicy { SegmentsPerTier = 1000 })))
        {
            foreach (int size in new[] { 1500, 300, 4500 })
            {
                for (int i = 0; i < size; i++, n++)
                {
                    string author = "a" + rng.Next(rng.Next(2) == 0 ? 3 : 200);
                    w.AddDocument(MakeDoc("d" + n, "t", RandomText(rng, rng.Next(1, 60)), null, null, author));
                }
                w.Commit(n);
            }
        }
        var s = IndexSnapshot.Open(Folder);
        Assert.That(s.Segments, Has.Count.EqualTo(3));
        return s;
    }

    private static List<(int Doc, int Freq, int[] Positions)> ReadAll(PostingsEnum pe, bool positions)
    {
        var all = new List<(int, int, int[])>();
        for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
            all.Add((d, pe.Freq, positions ? Enumerable.Range(0, pe.Freq).Select(_ => pe.NextPosition()).ToArray() : []));
        return all;
    }

    [Test]
    public void TestReusedEnumGivesTheSameDocsFreqsAndPositionsAsAFreshOneAcrossTermsFieldsAndSegments()
    {
        using var s = OpenThreeSegments();
        var rng = new Random(9);
        PostingsEnum? reuse = null;
        int compared = 0, reusedFromOtherSegment = 0;
        foreach (var leaf in s.Segments)
        {
            bool firstOfSegment = true;
            foreach (var field in new[] { NewsFields.Body, NewsFields.Author, NewsFields.Id })
            {
                var te = leaf.GetTerms(field)!;
                while (te.Next())
                {
                    bool positions = field == NewsFields.Body && rng.Next(2) == 0;
                    var expected = ReadAll(te.Postings(positions), positions);
                    var before = reuse;
                    reuse = te.Postings(positions, reuse);
                    if (before is not null) Assert.That(reuse, Is.SameAs(before), "the segment enum is re-targeted, not replaced");
                    if (firstOfSegment && before is not null) reusedFromOtherSegment++;
                    firstOfSegment = false;
                    Assert.That(reuse.Cost, Is.EqualTo(te.DocFreq));
                    Assert.That(ReadAll(reuse, positions), Is.EqualTo(expected), $"{field}:{te.Term.ToString()}");
                    compared++;
                    // Leave the enum half-way (mid-block, after a skip) so the next reset must undo that state.
                    if (expected.Count > 0)
                    {
                        reuse = te.Postings(positions, reuse);
                        int target = expected[rng.Next(expected.Count)].Doc;
                        Assert.That(reuse.Advance(target), Is.EqualTo(target));
                        if (positions) reuse.NextPosition();
                    }
                }
            }
        }
        Assert.That(compared, Is.GreaterThan(1000));
        Assert.That(reusedFromOtherSegment, Is.EqualTo(2));
    }

    [Test]
    public void TestIntoBitSetSetsExactlyTheRemainingDocs()
    {
        using var s = OpenThreeSegments();
        var rng = new Random(13);
        PostingsEnum? reuse = null;
        int dense = 0;
        foreach (var leaf in s.Segments)
            foreach (var field in new[] { NewsFields.Body, NewsFields.Author, NewsFields.Id })
            {
                var te = leaf.GetTerms(field)!;
                while (te.Next())
                {
                    var docs = ReadAll(te.Postings(false), false).Select(p => p.Doc).ToList();
                    if (IndexFormat.IsDense(te.DocFreq, leaf.MaxDoc)) dense++;
                    // Consume a random prefix (none, some, or all docs) first, sometimes with a skip.
                    int consumed = rng.Next(4) == 0 ? 0 : rng.Next(docs.Count + 1);
                    bool withPositions = field == NewsFields.Body && rng.Next(2) == 0;
                    reuse = te.Postings(withPositions, reuse);
                    if (consumed > 0)
                    {
                        int target = docs[consumed - 1];
                        Assert.That(rng.Next(2) == 0 ? reuse.Advance(target) : NextN(reuse, consumed), Is.EqualTo(target));
                        if (withPositions) reuse.NextPosition();
                    }
                    var bits = new ulong[(leaf.MaxDoc + 63) / 64 + 1];
                    bits[^1] = 0x5A;  // a word past the segment stays untouched
                    reuse.IntoBitSet(bits);
                    Assert.That(reuse.DocId, Is.EqualTo(PostingsEnum.NoMoreDocs));
                    Assert.That(reuse.NextDoc(), Is.EqualTo(PostingsEnum.NoMoreDocs));
                    Assert.That(bits[^1], Is.EqualTo(0x5AUL));
                    var set = new List<int>();
                    for (int d = 0; d < leaf.MaxDoc; d++)
                        if ((bits[d >> 6] & (1UL << d)) != 0) set.Add(d);
                    Assert.That(set, Is.EqualTo(docs.Skip(consumed).ToList()), $"{field}:{te.Term.ToString()} after {consumed}");
                }
            }
        // Body's commonest words and the three common authors, each with freqs, positions or both.
        Assert.That(dense, Is.GreaterThanOrEqualTo(6), "dense terms (bitset counting) were covered");
    }

    /// <summary>Fetching field lengths ahead is a hint only: the same steps (NextDoc, Advance within and past blocks)
    /// give the same docs, freqs and positions with it switched on at the start, half-way or never.</summary>
    [Test]
    public void TestPrefetchingLengthsChangesNothingTheEnumReturns()
    {
        using var s = OpenThreeSegments();
        var rng = new Random(21);
        int compared = 0;
        foreach (var leaf in s.Segments)
            foreach (var field in new[] { NewsFields.Body, NewsFields.Author })
            {
                var lengths = leaf.GetFieldLengths(field);
                var te = leaf.GetTerms(field)!;
                while (te.Next())
                {
                    bool positions = field == NewsFields.Body && rng.Next(2) == 0;
                    int seed = rng.Next();
                    var plain = Steps(te.Postings(positions), positions, seed, prefetchAt: -1, lengths);
                    var early = Steps(te.Postings(positions), positions, seed, prefetchAt: 0, lengths);
                    var late = Steps(te.Postings(positions), positions, seed, prefetchAt: 3, lengths);
                    Assert.That(early, Is.EqualTo(plain), $"{field}:{te.Term.ToString()}");
                    Assert.That(late, Is.EqualTo(plain), $"{field}:{te.Term.ToString()}");
                    compared++;
                }
            }
        Assert.That(compared, Is.GreaterThan(500));
    }

    private static List<(int Doc, int Freq, int Position)> Steps(PostingsEnum pe, bool positions, int seed, int prefetchAt,
        FieldLengths lengths)
    {
        var rng = new Random(seed);
        var seen = new List<(int, int, int)>();
        for (int step = 0; ; step++)
        {
            if (step == prefetchAt) pe.PrefetchLengths(lengths);
            int d = rng.Next(3) == 0 ? pe.Advance(pe.DocId + 1 + rng.Next(rng.Next(2) == 0 ? 20 : 2000)) : pe.NextDoc();
            if (d == PostingsEnum.NoMoreDocs) return seen;
            seen.Add((d, pe.Freq, positions ? pe.NextPosition() : -1));
        }
    }

    [Test]
    public void TestASearchScopeRecyclesItsEnumsOnlyWhenItEnds()
    {
        using var s = OpenThreeSegments();
        var leaf = s.Segments[0];
        var te = leaf.GetTerms(NewsFields.Author)!;
        Assert.That(te.Next(), Is.True);
        string term = te.Term.ToString();
        var expected = ReadAll(leaf.GetPostings(NewsFields.Author, term, false)!, false);

        PostingsEnum first, second, third;
        using (PostingsEnumPool.Begin())
        {
            first = leaf.GetPostings(NewsFields.Author, term, false)!;
            using (PostingsEnumPool.Begin()) second = leaf.GetPostings(NewsFields.Author, term, false)!;
            Assert.That(second, Is.Not.SameAs(first), "enums in use are never handed out twice");
            third = leaf.GetPostings(NewsFields.Author, term, false)!;
            Assert.That(third, Is.Not.SameAs(first).And.Not.SameAs(second), "an inner scope's end recycles nothing");
            first.NextDoc();
        }
        using (PostingsEnumPool.Begin())
        {
            var again = leaf.GetPostings(NewsFields.Author, term, true)!;
            Assert.That(new[] { first, second, third }, Has.Some.SameAs(again), "the next search reuses an enum");
            Assert.That(ReadAll(again, false), Is.EqualTo(expected), "re-targeted from the start");
        }
        var outside = leaf.GetPostings(NewsFields.Author, term, false);
        Assert.That(new[] { first, second, third }, Has.None.SameAs(outside), "outside a search every enum is new");
    }

    private static int NextN(PostingsEnum pe, int n)
    {
        int d = -1;
        for (int i = 0; i < n; i++) d = pe.NextDoc();
        return d;
    }
}
