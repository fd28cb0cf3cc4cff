using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Index;

/// <summary>
/// The (freq, field length) pairs in the skip data that bound scores: built as the Pareto front, capped by merging
/// into dominating pairs, and written by both a flush and a merge so that every posting of a term, and of each
/// 128-doc block, is dominated by a stored pair; reading a block's pairs ahead never disturbs decoding.
/// </summary>
public class ImpactsTests : TempFolderTest
{
    private static bool Dominated(IEnumerable<Impact> pairs, int freq, int length) =>
        pairs.Any(p => p.Freq >= freq && p.Length <= length);

    private static List<Impact> Front(ImpactsBuilder b) => Enumerable.Range(0, b.Count).Select(i => b[i]).ToList();

    [Test]
    public void TestFrontDominatesEveryPairAndNoPairOfItDominatesAnother()
    {
        var rng = new Random(3);
        for (int round = 0; round < 200; round++)
        {
            var b = new ImpactsBuilder();
            var added = new List<(int F, int L)>();
            int n = rng.Next(1, 300);
            for (int i = 0; i < n; i++)
            {
                var pair = (F: 1 + (int)(Math.Pow(rng.NextDouble(), 4) * 40), L: rng.Next(1, 3000));
                added.Add(pair);
                b.Add(pair.F, pair.L);
            }
            var front = Front(b);
            foreach (var (f, l) in added) Assert.That(Dominated(front, f, l), Is.True, $"({f}, {l}) not dominated");
            for (int i = 0; i < front.Count; i++)
            {
                // Each pair of the front is some added pair, and none is dominated by another of the front.
                Assert.That(added, Does.Contain((front[i].Freq, front[i].Length)));
                for (int j = 0; j < front.Count; j++)
                    if (i != j)
                        Assert.That(front[j].Freq >= front[i].Freq && front[j].Length <= front[i].Length, Is.False);
                if (i > 0)
                {
                    Assert.That(front[i].Freq, Is.GreaterThan(front[i - 1].Freq));
                    Assert.That(front[i].Length, Is.GreaterThan(front[i - 1].Length));
                }
            }
        }
    }

    [Test]
    public unsafe void TestCappedFrontStillDominatesEveryPairAndRoundTrips()
    {
        var b = new ImpactsBuilder();
        // A front of 30 pairs: freq i with length 10 i.
        var added = Enumerable.Range(1, 30).Select(i => (F: i, L: 10 * i)).ToList();
        foreach (var (f, l) in added) b.Add(f, l);
        Assert.That(b.Count, Is.EqualTo(30));
        var bytes = new ByteBuffer();
        b.WriteTo(bytes);
        Assert.That(b.Count, Is.EqualTo(ImpactsBuilder.MaxStored));
        var read = new Impact[ImpactsBuilder.MaxStored];
        var data = bytes.Span.ToArray();
        int count;
        long p = 0;
        fixed (byte* ptr = data) count = ImpactsBuilder.Read(ptr, ref p, read);
        Assert.That(p, Is.EqualTo(data.Length));
        Assert.That(read.Take(count), Is.EqualTo(Front(b)));
        foreach (var (f, l) in added) Assert.That(Dominated(read.Take(count), f, l), Is.True, $"({f}, {l}) not dominated");
    }

    /// <summary>Segments with full blocks: a flush of 3,000 docs, and after a force merge of it with another the merged
    /// segment (lengths remapped past deletions).</summary>
    private void Build(bool merge)
    {
        var rng = new Random(11);
        using var w = IndexWriter.Open(Folder, Config(policy: new TieredMergePolicy { SegmentsPerTier = 1000 }));
        for (int i = 0; i < 3000; i++) w.AddDocument(MakeDoc("d" + i, "t", RandomText(rng, rng.Next(1, 80))));
        w.Commit(1);
        if (!merge) return;
        for (int i = 0; i < 2000; i++) w.AddDocument(MakeDoc("e" + i, "t", RandomText(rng, rng.Next(1, 80))));
        for (int i = 0; i < 3000; i += 7) w.DeleteDocument("d" + i);
        w.Commit(2);
        w.ForceMerge(1);
        w.Commit(3);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TestEveryPostingIsDominatedByItsTermsAndItsBlocksPairs(bool merged)
    {
        Build(merged);
        using var s = IndexSnapshot.Open(Folder);
        Assert.That(s.Segments, Has.Count.EqualTo(1));
        var leaf = s.Segments[0];
        var lengths = leaf.GetFieldLengths(NewsFields.Body);
        var te = leaf.GetTerms(NewsFields.Body)!;
        int termsWithBlocks = 0, blocks = 0;
        var termPairs = new Impact[ImpactsBuilder.MaxStored];
        var blockPairs = new Impact[ImpactsBuilder.MaxStored];
        while (te.Next())
        {
            var postings = te.Postings(false);
            var probe = te.Postings(false);
            int termCount = probe.TermImpacts(termPairs);
            if (te.DocFreq < 128)
            {
                Assert.That(termCount, Is.Zero, "a term without skip data has no pairs");
                continue;
            }
            termsWithBlocks++;
            Assert.That(termCount, Is.InRange(1, ImpactsBuilder.MaxStored));
            var docs = new List<(int Doc, int Freq)>();
            for (int d = postings.NextDoc(); d != PostingsEnum.NoMoreDocs; d = postings.NextDoc()) docs.Add((d, postings.Freq));
            foreach (var (d, f) in docs) Assert.That(Dominated(termPairs.Take(termCount), f, lengths.Get(d)), Is.True);
            // The maximum freq and the minimum length are reached: the front is tight at its ends.
            Assert.That(termPairs.Take(termCount).Max(p => p.Freq), Is.EqualTo(docs.Max(x => x.Freq)));
            Assert.That(termPairs.Take(termCount).Min(p => p.Length), Is.EqualTo(docs.Min(x => lengths.Get(x.Doc))));
            int full = docs.Count / 128;
            for (int b = 0; b < full; b++)
            {
                var block = docs.GetRange(b * 128, 128);
                // Asked for any doc of the block (here one just after the previous block's end).
                int target = b == 0 ? 0 : docs[b * 128 - 1].Doc + 1;
                int last = probe.BlockImpacts(target, blockPairs, out int n);
                Assert.That(last, Is.EqualTo(block[^1].Doc));
                Assert.That(n, Is.InRange(1, ImpactsBuilder.MaxStored));
                foreach (var (d, f) in block) Assert.That(Dominated(blockPairs.Take(n), f, lengths.Get(d)), Is.True);
                blocks++;
            }
            // Past the last full block: the tail has no entry.
            if (docs.Count % 128 != 0)
                Assert.That(probe.BlockImpacts(docs[^1].Doc, blockPairs, out int none), Is.EqualTo(PostingsEnum.NoMoreDocs));
        }
        Assert.That(termsWithBlocks, Is.GreaterThan(10));
        Assert.That(blocks, Is.GreaterThan(100));
    }

    /// <summary><c>newssearch check</c> recomputes the bounds against the postings and norms (a writer that got
    /// them wrong is caught there, not only in search results).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void TestCheckFindsNoProblemWithTheBounds(bool merged)
    {
        Build(merged);
        var result = NativeIndexCheck.Run(Folder);
        Assert.That(result.Problems, Is.Empty);
        Assert.That(result.Ok, Is.True);
    }

    [Test]
    public void TestReadingBlockPairsAheadLeavesAdvanceAndNextDocExact()
    {
        Build(merge: false);
        using var s = IndexSnapshot.Open(Folder);
        var leaf = s.Segments[0];
        var rng = new Random(4);
        var te = leaf.GetTerms(NewsFields.Body)!;
        var pairs = new Impact[ImpactsBuilder.MaxStored];
        int checkedTerms = 0;
        while (te.Next())
        {
            if (te.DocFreq < 3 * 128) continue;
            checkedTerms++;
            foreach (bool positions in new[] { false, true })
            {
                var expected = new List<(int Doc, int Freq, int FirstPosition)>();
                var fresh = te.Postings(positions);
                for (int d = fresh.NextDoc(); d != PostingsEnum.NoMoreDocs; d = fresh.NextDoc())
                    expected.Add((d, fresh.Freq, positions ? fresh.NextPosition() : -1));
                var pe = te.Postings(positions);
                int i = -1;
                while (true)
                {
                    // Look a random distance ahead, then move by Advance (sometimes to a doc before the looked-at
                    // block) or by NextDoc.
                    int ahead = Math.Min(expected.Count - 1, Math.Max(0, i) + rng.Next(0, 400));
                    pe.BlockImpacts(expected[ahead].Doc, pairs, out _);
                    int step = rng.Next(1, 300);
                    i = Math.Min(expected.Count, i + step);
                    int got = rng.Next(3) == 0 && step == 1 ? pe.NextDoc() : pe.Advance(i < expected.Count ? expected[i].Doc : int.MaxValue - 1);
                    if (i >= expected.Count)
                    {
                        Assert.That(got, Is.EqualTo(PostingsEnum.NoMoreDocs));
                        break;
                    }
                    Assert.That(got, Is.EqualTo(expected[i].Doc));
                    Assert.That(pe.Freq, Is.EqualTo(expected[i].Freq));
                    if (positions) Assert.That(pe.NextPosition(), Is.EqualTo(expected[i].FirstPosition));
                }
            }
        }
        Assert.That(checkedTerms, Is.GreaterThan(3));
    }

    /// <summary>A term scorer's bounds from the pairs: its MaxScore is at least every doc's score and at most the BM25
    /// weight; its bound on a doc (asked in increasing order, before moving there) is at least that doc's score, its
    /// bound over a window from any target is at least every score in the window, and
    /// both are near tight: some doc of the term, and of each full block, scores within 5 % of them (capping the
    /// pairs at eight merges some into looser ones).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void TestTermScorerBoundsHoldEveryScoreAndAreReached(bool merged)
    {
        Build(merged);
        using var s = IndexSnapshot.Open(Folder);
        var searcher = new IndexSearcher(s);
        var leaf = s.Segments[0];
        var te = leaf.GetTerms(NewsFields.Body)!;
        int terms = 0, tighterThanTerm = 0;
        while (te.Next())
        {
            if (te.DocFreq < 256) continue;
            terms++;
            var weight = new TermQuery(NewsFields.Body, te.Term.ToString()).CreateWeight(searcher, needsScores: true, boost: 1f);
            var scorer = weight.GetScorer(leaf)!;
            var bounds = weight.GetScorer(leaf)!;
            var scores = new List<(int Doc, float Score)>();
            for (int d = scorer.NextDoc(); d != Scorer.NoMoreDocs; d = scorer.NextDoc()) scores.Add((d, scorer.Score()));
            float max = bounds.MaxScore;
            Assert.That(scores.Max(x => x.Score), Is.LessThanOrEqualTo(max).And.GreaterThanOrEqualTo(max / 1.05f));
            var atDoc = scores.Select(x => bounds.ScoreBoundAt(x.Doc)).ToList();
            for (int i = 0; i < scores.Count; i++)
            {
                Assert.That(atDoc[i], Is.GreaterThanOrEqualTo(scores[i].Score), $"doc {scores[i].Doc}");
                if (atDoc[i] < max) tighterThanTerm++;
            }
            for (int b = 0; b < scores.Count / 128; b++)
            {
                var block = Enumerable.Range(b * 128, 128).ToList();
                float bound = block.Max(i => atDoc[i]);
                Assert.That(block.Max(i => scores[i].Score), Is.GreaterThanOrEqualTo(bound / 1.05f), $"block {b}");
            }
            // Over a window from any target: at least every score in it, and the window ends at a block's end.
            var windows = weight.GetScorer(leaf)!;
            var rng = new Random(terms);
            for (int target = 0; target < leaf.MaxDoc; target += rng.Next(1, 200))
            {
                float bound = windows.BlockBound(target, out int upTo);
                Assert.That(upTo, Is.GreaterThanOrEqualTo(target));
                foreach (var (doc, score) in scores)
                    if (doc >= target && doc <= upTo) Assert.That(bound, Is.GreaterThanOrEqualTo(score), $"doc {doc} in [{target}, {upTo}]");
                if (upTo == Scorer.NoMoreDocs) break;
                Assert.That(scores.FindIndex(x => x.Doc == upTo) % 128, Is.EqualTo(127), "a window ends with a block");
            }
        }
        Assert.That(terms, Is.GreaterThan(5));
        Assert.That(tighterThanTerm, Is.GreaterThan(0), "block bounds are below the term's somewhere");
    }

    /// <summary>A term scorer's bound on the document it is on, from the freq alone (no field length read), is at least
    /// that document's score, exactly as floats (a candidate is ruled out when it falls below the weakest kept score),
    /// also when the block's pairs were read ahead of it; and it comes from the block's pairs, so it never exceeds the
    /// term's bound (length 0 would: the highest freq at length 0 scores above every real document).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void TestScoreUpperBoundOnTheCurrentDocHoldsItsScore(bool merged)
    {
        Build(merged);
        using var s = IndexSnapshot.Open(Folder);
        var searcher = new IndexSearcher(s);
        var leaf = s.Segments[0];
        var te = leaf.GetTerms(NewsFields.Body)!;
        var rng = new Random(11);
        int terms = 0;
        while (te.Next())
        {
            if (te.DocFreq < 256) continue;
            terms++;
            var weight = new TermQuery(NewsFields.Body, te.Term.ToString()).CreateWeight(searcher, needsScores: true, boost: 1f);
            var scorer = weight.GetScorer(leaf)!;
            float max = weight.GetScorer(leaf)!.MaxScore;
            for (int d = scorer.NextDoc(); d != Scorer.NoMoreDocs; d = scorer.NextDoc())
            {
                // Now and then the block bound ahead is read first (block-max looks past the current document).
                if (rng.Next(8) == 0) scorer.BlockBound(d + rng.Next(1, 3000), out _);
                float bound = scorer.ScoreUpperBound();
                Assert.That(bound, Is.GreaterThanOrEqualTo(scorer.Score()), $"doc {d}");
                Assert.That(bound, Is.LessThanOrEqualTo(max), $"doc {d}");
            }
        }
        Assert.That(terms, Is.GreaterThan(5));
    }
}
