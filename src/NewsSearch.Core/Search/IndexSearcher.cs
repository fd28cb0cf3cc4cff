using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>One hit: a snapshot-wide doc id (segment doc base + segment doc) and its score.</summary>
public readonly record struct ScoreDoc(int Doc, float Score);

/// <summary>The best hits, best first, and how many documents matched in all.</summary>
public sealed record TopDocs(long TotalHits, ScoreDoc[] ScoreDocs);

/// <summary>
/// Runs queries over one snapshot (Lucene's IndexSearcher). Cheap to create: make one per snapshot lease.
/// Thread-safe; collects the top n with a min-heap of structs, skipping deleted documents.
/// </summary>
public sealed class IndexSearcher
{
    private readonly int[] _docBases;
    private readonly Dictionary<string, FieldStatistics> _fieldStats = [];
    private readonly Lock _statsLock = new();

    public IndexSearcher(DirectoryReader reader, BM25Similarity? similarity = null)
    {
        Reader = reader;
        Similarity = similarity ?? BM25Similarity.Default;
        // Own doc bases from MaxDoc in leaf order, so global ids never depend on how a reader set DocBase.
        _docBases = new int[reader.Leaves.Count + 1];
        for (int i = 0; i < reader.Leaves.Count; i++) _docBases[i + 1] = _docBases[i] + reader.Leaves[i].MaxDoc;
    }

    public DirectoryReader Reader { get; }

    public BM25Similarity Similarity { get; }

    /// <summary>Why the results of this searcher are incomplete (a query hit an expansion cap), or null when
    /// every match was found.</summary>
    public string? PartialReason => Volatile.Read(ref _partialReason);

    private string? _partialReason;

    /// <summary>Records that a query part could not find every match; the first reason is kept.</summary>
    public void ReportPartial(string reason) => Interlocked.CompareExchange(ref _partialReason, reason, null);

    /// <summary>One prefix expansion of one segment.</summary>
    internal readonly record struct ExpansionKey(string Field, string Prefix, int MaxExpansions, LeafReader Leaf);

    private Dictionary<ExpansionKey, (ulong[]? Bits, long Count)>? _expansions;

    /// <summary>A prefix's matches in a segment, expanded once per searcher (the bitset is shared and read-only).</summary>
    internal (ulong[]? Bits, long Count) GetOrAddExpansion(ExpansionKey key, Func<(ulong[]?, long)> expand)
    {
        lock (_statsLock)
        {
            if (_expansions is not null && _expansions.TryGetValue(key, out var hit)) return hit;
        }
        var value = expand();
        lock (_statsLock)
        {
            (_expansions ??= [])[key] = value;
        }
        return value;
    }

    /// <summary>Snapshot-wide field statistics, computed once per field.</summary>
    public FieldStatistics GetFieldStatistics(string field)
    {
        lock (_statsLock)
        {
            if (!_fieldStats.TryGetValue(field, out var s)) _fieldStats[field] = s = Reader.GetFieldStatistics(field);
            return s;
        }
    }

    /// <summary>The top <paramref name="n"/> hits by score (ties: lower article id first, <see cref="Engine.IdOrder"/>)
    /// and the exact total hit count.</summary>
    public TopDocs Search(Query query, int n) => Search(query, n, null);

    /// <summary>
    /// As <see cref="Search(Query, int)"/>; <paramref name="onLeafMatches"/>, when given, receives each segment's live
    /// matches as a bitset (word d &gt;&gt; 6, valid only during the call), e.g. to count facets.
    /// </summary>
    /// <remarks>
    /// Two passes when that pays: the scoring pass tells the scorers the weakest kept score as it rises
    /// (<see cref="Scorer.SetMinCompetitiveScore"/>), so disjunctions stop walking clauses that cannot lift a document
    /// into the top n (MaxScore); the total is then counted without scoring, by unioning postings into bitsets
    /// (<see cref="Scorer.IntoBitSet"/>). When no scorer could skip, the scoring pass's own count is exact.
    /// </remarks>
    public TopDocs Search(Query query, int n, Action<LeafReader, ulong[]>? onLeafMatches)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        using var pooled = PostingsEnumPool.Begin(); // the query's postings enums are reused by the next search
        var heap = new TopHeap(n, this);
        long total = 0, exactTotal = 0;
        int exactLeaves = 0;
        Weight? countWeight = null;
        bool skipped = false;
        if (n > 0)
        {
            var weight = query.CreateWeight(this, needsScores: true, boost: 1f);
            var trees = new Scorer?[Reader.Leaves.Count];
            long treeCost = 0;
            float matchCost = 0;
            for (int li = 0; li < trees.Length; li++)
                if ((trees[li] = weight.GetScorer(Reader.Leaves[li])) is { } t)
                {
                    treeCost += t.Cost;
                    matchCost = Math.Max(matchCost, t.MatchCost);
                }
            // What a full walk costs: postings, plus phrases' positions read on each candidate (a long word's phrase
            // is then pruned even over few postings, and its counting pass is cheap: the word sets most matches).
            long walkCost = (long)(treeCost * (1 + matchCost));
            List<Weight> parts = [];
            // Small queries: walking them beats setting up the parts' scorers.
            if (walkCost >= ByParts.MinCost && weight.AddScoringParts(parts) && parts.Count >= 2
                && ByParts.TryCollect(this, weight, trees, treeCost, parts, ref heap))
                return new TopDocs(CountMatches(query, onLeafMatches), heap.ToSortedArray());
            // Pruning a small query saves less than the counting pass it then needs (its phrases verified twice).
            bool prune = walkCost >= ByParts.MinCost;
            for (int li = 0; li < Reader.Leaves.Count; li++)
            {
                var leaf = Reader.Leaves[li];
                var scorer = trees[li];
                if (scorer is null)
                {
                    if (!skipped) exactLeaves = li + 1;
                    continue;
                }
                int docBase = _docBases[li];
                heap.SetLeaf(leaf, docBase);
                int words = (leaf.MaxDoc + 63) >> 6;
                if (scorer is ConjunctionScorer conjunction && conjunction.IntersectsAsBitsets(words))
                {
                    // Common words ANDed: their postings intersect word by word far faster than the cheapest one
                    // leapfrogs the others, and only the few documents left are scored.
                    countWeight ??= query.CreateWeight(this, needsScores: false, boost: 1f);
                    var matches = LeafMatches(countWeight, leaf) ?? SegmentBits.Get(words);
                    // Each match is scored: the field lengths (a cache miss each at 1M) of the next word's matches
                    // are fetched while this word's are scored.
                    for (int w = 0; w < words; w++)
                    {
                        if (matches[w] == 0) continue;
                        int next = w + 1;
                        while (next < words && matches[next] == 0) next++;
                        for (ulong ahead = next < words ? matches[next] : 0; ahead != 0; ahead &= ahead - 1)
                            scorer.PrefetchLengthsAt((next << 6) + System.Numerics.BitOperations.TrailingZeroCount(ahead));
                        for (ulong word = matches[w]; word != 0; word &= word - 1)
                        {
                            int doc = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                            total++;
                            bool scored = scorer.AdvanceExact(doc);
                            System.Diagnostics.Debug.Assert(scored, "the scoring tree matches what the counting tree counted");
                            if (scored) heap.OfferScored(scorer, docBase + doc);
                        }
                    }
                    if (!skipped)
                    {
                        exactLeaves = li + 1;
                        exactTotal = total;
                        onLeafMatches?.Invoke(leaf, matches);
                    }
                    continue;
                }
                bool checkLive = leaf.HasDeletions;
                // While nothing is skipped the walk sees every match: it sets them as bits for the caller, which then
                // needs no counting pass over this segment (a conjunction of common words recounted all their postings).
                var bits = onLeafMatches is not null && !skipped ? SegmentBits.Get(words) : null;
                float bound = float.NegativeInfinity;
                if (heap.IsFull && prune)
                {
                    bound = heap.MinScore;
                    skipped |= scorer.SetMinCompetitiveScore(bound);
                }
                // A small query's walk is cheaper than the counting pass an early stop needs.
                float leafMax = prune ? scorer.MaxScore : float.PositiveInfinity;
                for (int doc = scorer.NextDoc(); doc != Scorer.NoMoreDocs; doc = scorer.NextDoc())
                {
                    while (heap.RestOfRunLoses(docBase + doc, leafMax))
                    {
                        // The rest of the run cannot enter: the segment is counted without scoring.
                        skipped = true;
                        int next = heap.NextRunStart(doc);
                        doc = next == Scorer.NoMoreDocs ? next : scorer.Advance(next);
                        if (doc == Scorer.NoMoreDocs) break;
                    }
                    if (doc == Scorer.NoMoreDocs) break;
                    if (checkLive && !leaf.IsLive(doc)) continue;
                    total++;
                    if (bits is not null) bits[doc >> 6] |= 1UL << doc;
                    if (!heap.OfferScored(scorer, docBase + doc)) continue;
                    if (prune && heap.IsFull && heap.MinScore > bound)
                    {
                        bound = heap.MinScore;
                        skipped |= scorer.SetMinCompetitiveScore(bound);
                    }
                }
                if (skipped) continue;
                exactLeaves = li + 1;
                exactTotal = total;
                if (bits is not null) onLeafMatches!(leaf, bits);
            }
        }
        // Segments walked before any scorer skipped are counted already; the rest are counted without scoring.
        if (n == 0 || skipped) total = exactTotal + CountMatches(query, onLeafMatches, exactLeaves);
        return new TopDocs(total, heap.ToSortedArray());
    }

    /// <summary>Counts live matches without scoring.</summary>
    public long Count(Query query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var pooled = PostingsEnumPool.Begin();
        return CountMatches(query, null);
    }

    /// <summary>Live matches per segment as a bitset of exactly the segment's words (postings unioned word by word, no
    /// scores), counted.</summary>
    private long CountMatches(Query query, Action<LeafReader, ulong[]>? onLeafMatches, int firstLeaf = 0)
    {
        if (firstLeaf >= Reader.Leaves.Count) return 0;
        var weight = query.CreateWeight(this, needsScores: false, boost: 1f);
        long total = 0;
        for (int li = firstLeaf; li < Reader.Leaves.Count; li++)
        {
            var leaf = Reader.Leaves[li];
            if (LeafMatches(weight, leaf) is not { } bits) continue;
            foreach (ulong word in bits) total += System.Numerics.BitOperations.PopCount(word);
            onLeafMatches?.Invoke(leaf, bits);
        }
        return total;
    }

    /// <summary>One segment's live matches of an unscored weight, as a bitset of exactly the segment's words (valid
    /// until this thread asks for that size again), or null when nothing there can match.</summary>
    private static ulong[]? LeafMatches(Weight countWeight, LeafReader leaf)
    {
        var scorer = countWeight.GetScorer(leaf);
        if (scorer is null) return null;
        var bits = SegmentBits.Get((leaf.MaxDoc + 63) >> 6);
        scorer.IntoBitSet(bits);
        leaf.ClearDeleted(bits);
        return bits;
    }

    /// <summary>How <paramref name="globalDoc"/> scores for <paramref name="query"/> (its value is the score
    /// <see cref="Search"/> gives it).</summary>
    public Explanation Explain(Query query, int globalDoc)
    {
        ArgumentNullException.ThrowIfNull(query);
        var weight = query.CreateWeight(this, needsScores: true, boost: 1f);
        var (leaf, doc) = Resolve(globalDoc);
        return weight.Explain(leaf, doc);
    }

    /// <summary>
    /// Adds <paramref name="weight"/> × <paramref name="bonus"/>'s score to each of <paramref name="hits"/> that it
    /// matches (Lucene's QueryRescorer with weights 1 and <paramref name="weight"/>) and re-sorts them (ties by article
    /// id, as every order). Only these hits are scored, so a costly bonus (sloppy phrases) costs little.
    /// </summary>
    public ScoreDoc[] Rescore(ReadOnlySpan<ScoreDoc> hits, Query bonus, float weight = 1f)
    {
        ArgumentNullException.ThrowIfNull(bonus);
        var result = hits.ToArray();
        if (result.Length == 0) return result;
        Array.Sort(result, static (a, b) => a.Doc.CompareTo(b.Doc));
        var bonusWeight = bonus.CreateWeight(this, needsScores: true, boost: 1f);
        int li = -1;
        Scorer? scorer = null;
        for (int i = 0; i < result.Length; i++)
        {
            int doc = result[i].Doc;
            if (li < 0 || doc >= _docBases[li + 1])
            {
                do li++; while (doc >= _docBases[li + 1]);
                scorer = bonusWeight.GetScorer(Reader.Leaves[li]);
            }
            if (scorer is null) continue;
            if (scorer.AdvanceExact(doc - _docBases[li])) result[i] = new ScoreDoc(doc, result[i].Score + weight * scorer.Score());
        }
        Array.Sort(result, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : CompareIds(a.Doc, b.Doc));
        return result;
    }

    /// <summary>The segment holding a snapshot-wide doc id, and the id within it.</summary>
    public (LeafReader Leaf, int Doc) Resolve(int globalDoc)
    {
        if ((uint)globalDoc >= (uint)_docBases[^1]) throw new ArgumentOutOfRangeException(nameof(globalDoc));
        int i = Array.BinarySearch(_docBases, globalDoc);
        if (i < 0) i = ~i - 1;
        // Skip empty segments sharing the same base.
        while (i + 1 < _docBases.Length - 1 && _docBases[i + 1] <= globalDoc) i++;
        return (Reader.Leaves[i], globalDoc - _docBases[i]);
    }

    /// <summary>Orders two snapshot-wide doc ids by article id (<see cref="Engine.IdOrder"/>).</summary>
    public int CompareIds(int globalA, int globalB)
    {
        if (globalA == globalB) return 0;
        var (la, da) = Resolve(globalA);
        var (lb, db) = Resolve(globalB);
        return la.CompareIds(da, lb, db);
    }

    /// <summary>Article id of a snapshot-wide doc id.</summary>
    public string GetId(int globalDoc)
    {
        var (leaf, doc) = Resolve(globalDoc);
        return leaf.GetId(doc);
    }

    /// <summary>
    /// Top n in two phases over the query's scoring parts (its term, phrase and constant clauses, however nested; a
    /// document's score is at most the sum of the bounds of the parts it matches). Phase 1 takes the documents of the
    /// few parts with the highest bounds (the title words, typically), checks each against the whole query on that
    /// document only (<see cref="Scorer.AdvanceExact"/>) and scores it: the top n of those set a high weakest score
    /// early. Phase 2 is needed only when the other parts' bounds together can still reach it: then their documents
    /// that phase 1 did not see are walked with MaxScore (the lowest-bound parts stop driving as the weakest score
    /// rises). Unlike pruning inside each boolean this also prunes conjunctions (<c>经济 发展</c>). Matches are not
    /// counted here; the caller counts them without scoring.
    /// </summary>
    private static class ByParts
    {
        /// <summary>Least cost (postings the query would walk) worth the two phases, or any pruning.</summary>
        public const long MinCost = 16_384;

        /// <summary>Every match of the query matches one of <paramref name="parts"/> (<see cref="Weight.AddScoringParts"/>
        /// returned true). False (nothing collected) when a part has no finite bound or phase 1 would walk about as many
        /// documents as the query itself (a conjunction of many words: leapfrogging is cheaper).</summary>

        public static bool TryCollect(IndexSearcher searcher, Weight weight, Scorer?[] trees, long treeCost, List<Weight> parts,
            ref TopHeap heap)
        {
            var leaves = searcher.Reader.Leaves;
            var scorers = new Scorer?[leaves.Count][];
            var bounds = new float[parts.Count];
            var costs = new long[parts.Count];
            for (int li = 0; li < leaves.Count; li++)
            {
                if (trees[li] is null) continue;
                var row = scorers[li] = new Scorer?[parts.Count];
                for (int p = 0; p < parts.Count; p++)
                {
                    var s = row[p] = parts[p].GetScorer(leaves[li]);
                    if (s is null) continue;
                    float b = s.MaxScore;
                    if (!float.IsFinite(b)) return false;
                    bounds[p] = Math.Max(bounds[p], b);
                    costs[p] += s.Cost;
                }
            }
            // Phase 1 parts: by bound descending until the rest bound at most half of what they bound.
            var order = new int[parts.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            Array.Sort(order, (a, b) => bounds[b].CompareTo(bounds[a]));
            float total = 0;
            foreach (float b in bounds) total += b;
            float high = 0;
            long phase1Cost = 0;
            int k = 0;
            while (k < order.Length - 1)
            {
                high += bounds[order[k]];
                phase1Cost += costs[order[k]];
                k++;
                if (total - high <= 0.5f * high) break;
            }
            // Parts about as cheap as the costliest chosen one join phase 1 (a word's gram part beside it): scored
            // exactly on each candidate, they no longer add their whole bound to every candidate's.
            long costliest = 0;
            for (int i = 0; i < k; i++) costliest = Math.Max(costliest, costs[order[i]]);
            var firstList = new List<int>(order[..k]);
            var restList = new List<int>();
            for (int i = k; i < order.Length; i++)
            {
                int p = order[i];
                if (costs[p] <= costliest + costliest / 2) { firstList.Add(p); phase1Cost += costs[p]; }
                else restList.Add(p);
            }
            if (phase1Cost * 4 > treeCost) return false;
            var first = firstList.ToArray();
            var rest = restList.ToArray();
            float restBound = 0;
            foreach (int p in rest) restBound += bounds[p];

            // Other parts that are plain postings (no positions to verify) are scored on a candidate that their bounds
            // would keep in, before the whole query is: a long word's body term rules most title candidates out before
            // its body phrase is checked. Fresh scorers: phase 2 walks the originals from the start.
            var cheapRest = Array.FindAll(rest, p => scorers.Any(row => row?[p] is { MatchCost: 0 }));
            float uncheckedBound = 0;
            foreach (int p in rest)
                if (Array.IndexOf(cheapRest, p) < 0) uncheckedBound += bounds[p];
            Scorer[] CheckScorers(int li)
            {
                var check = new List<Scorer>(cheapRest.Length);
                foreach (int p in cheapRest)
                    if (scorers[li][p] is not null && parts[p].GetScorer(leaves[li]) is { } c) check.Add(c);
                return check.ToArray();
            }
            // Best blocks first: the lead part's postings blocks with the highest bounds (from the skip data) hold its
            // best-scoring documents; walked first, with fresh scorers, they set a weakest kept score near the final
            // one before the walk in document order, which then rules most candidates out on their bounds alone
            // (without reading their other parts' postings and field lengths) and skips those blocks.
            var bestBlocks = new (int From, int To)[leaves.Count][];
            for (int li = 0; li < leaves.Count; li++)
            {
                bestBlocks[li] = [];
                if (trees[li] is null || scorers[li][order[0]] is null || parts[order[0]].GetScorer(leaves[li]) is not { } lead) continue;
                bestBlocks[li] = BestBlocks(lead);
                if (bestBlocks[li].Length == 0) continue;
                var drive = new List<Scorer>(first.Length);
                foreach (int p in first)
                    if (scorers[li][p] is not null && parts[p].GetScorer(leaves[li]) is { } d) drive.Add(d);
                Walk(leaves[li], searcher._docBases[li], weight.GetScorer(leaves[li])!, drive.ToArray(), restBound, [], ref heap,
                    CheckScorers(li), uncheckedBound, only: bestBlocks[li]);
            }
            for (int li = 0; li < leaves.Count; li++)
            {
                if (trees[li] is not { } tree) continue;
                var drive = Pick(scorers[li], first);
                // A document seen only by low-bound phase 1 parts may still score by the others: they bound it too.
                Walk(leaves[li], searcher._docBases[li], tree, drive, restBound, [], ref heap, CheckScorers(li), uncheckedBound,
                    skip: bestBlocks[li]);
            }
            if (heap.IsFull && Scorer.Loosen(restBound) < heap.MinScore) return true;
            for (int li = 0; li < leaves.Count; li++)
            {
                if (trees[li] is null) continue;
                var leaf = leaves[li];
                // Fresh scorers: the tree and the phase 1 parts were walked past these documents.
                var tree = weight.GetScorer(leaf)!;
                var seen = new Scorer[first.Length];
                int n = 0;
                foreach (int p in first)
                    if (parts[p].GetScorer(leaf) is { } s) seen[n++] = s;
                var drive = Pick(scorers[li], rest);
                Walk(leaf, searcher._docBases[li], tree, drive, 0f, seen[..n], ref heap);
            }
            return true;
        }

        /// <summary>Least full blocks in the lead part's postings for walking its best blocks first.</summary>
        private const int BestBlocksFrom = 8;

        /// <summary>The doc ranges of the full postings blocks of <paramref name="lead"/> (unstarted; read to the end)
        /// with the highest bounds, one per 8 blocks (at most 8), in doc order; none for a short list.</summary>
        private static (int From, int To)[] BestBlocks(Scorer lead)
        {
            var blocks = new List<(float Bound, int From, int To)>();
            for (int target = 0; ;)
            {
                float bound = lead.BlockBound(target, out int upTo);
                if (upTo == Scorer.NoMoreDocs) break; // the tail has no bound of its own
                blocks.Add((bound, target, upTo));
                target = upTo + 1;
            }
            if (blocks.Count < BestBlocksFrom) return [];
            int take = Math.Min(8, blocks.Count / BestBlocksFrom);
            blocks.Sort((a, b) => b.Bound.CompareTo(a.Bound));
            var best = blocks.GetRange(0, take).Select(b => (b.From, b.To)).ToArray();
            Array.Sort(best, (a, b) => a.From.CompareTo(b.From));
            return best;
        }

        private static Scorer[] Pick(Scorer?[] row, int[] which)
        {
            var list = new List<Scorer>(which.Length);
            foreach (int p in which)
                if (row[p] is { } s) list.Add(s);
            return list.ToArray();
        }

        /// <summary>Candidates from <paramref name="parts"/> minus documents <paramref name="seen"/> matches: by bound
        /// ascending, a prefix of parts stops driving once its bounds plus <paramref name="otherBound"/> (what parts
        /// outside this walk can add) sum below the weakest kept score.</summary>
        private static void Walk(LeafReader leaf, int docBase, Scorer tree, Scorer[] parts, float otherBound, Scorer[] seen,
            ref TopHeap heap, Scorer[]? check = null, float uncheckedBound = 0f, (int From, int To)[]? only = null,
            (int From, int To)[]? skip = null)
        {
            // only: the doc ranges walked (all when null); skip: ranges walked already. Both in doc order.
            if (parts.Length == 0) return;
            // check: some of the parts outside this walk (their bounds are in otherBound), scored on a candidate highest
            // bound first; checkRest[j] bounds what parts j.. of them and the unchecked others can still add.
            heap.SetLeaf(leaf, docBase);
            check ??= [];
            Array.Sort(check.Select(s => -s.MaxScore).ToArray(), check);
            var checkRest = new float[check.Length + 1];
            checkRest[check.Length] = uncheckedBound;
            for (int j = check.Length - 1; j >= 0; j--) checkRest[j] = checkRest[j + 1] + check[j].MaxScore;
            Array.Sort(parts.Select(s => s.MaxScore).ToArray(), parts);
            // Driving parts are scored on most documents they land on: their field lengths are fetched ahead.
            foreach (var s in parts) s.PrefetchLengths();
            var upper = new float[parts.Length]; // the driving parts' frequency-only bounds on the current document
            var prefix = new float[parts.Length + 1];
            prefix[0] = otherBound;
            for (int i = 0; i < parts.Length; i++) prefix[i + 1] = prefix[i] + parts[i].MaxScore;
            float minScore = heap.IsFull ? heap.MinScore : float.NegativeInfinity;
            float leafMax = tree.MaxScore;
            // The tree prunes inside too: its MaxScore disjunctions then leave lazy clauses unadvanced on candidates.
            if (heap.IsFull) tree.SetMinCompetitiveScore(minScore);
            int firstDriving = 0;
            while (firstDriving < parts.Length && Scorer.Loosen(prefix[firstDriving + 1]) < minScore) firstDriving++;
            bool checkLive = leaf.HasDeletions;
            int target = only is { Length: > 0 } ? only[0].From : 0;
            int onlyIdx = 0, skipIdx = 0;
            int windowEnd = -1; // documents up to here lie in blocks whose bounds can still compete
            while (firstDriving < parts.Length)
            {
                // Block-max: while the driving parts' bounds on the blocks ahead (read from skip data) plus the other
                // parts' bounds cannot reach the weakest kept score, jump past those blocks without decoding them.
                while (heap.IsFull && target > windowEnd && target != Scorer.NoMoreDocs)
                {
                    float sum = prefix[firstDriving];
                    int upTo = Scorer.NoMoreDocs;
                    for (int i = firstDriving; i < parts.Length; i++)
                    {
                        var s = parts[i];
                        int at = Math.Max(target, s.DocId);
                        if (at == Scorer.NoMoreDocs) continue;
                        sum += s.BlockBound(at, out int u);
                        upTo = Math.Min(upTo, u);
                    }
                    if (Scorer.Loosen(sum) >= minScore || upTo == Scorer.NoMoreDocs) { windowEnd = upTo; break; }
                    target = upTo + 1;
                }
                int doc = Scorer.NoMoreDocs;
                for (int i = firstDriving; i < parts.Length; i++)
                {
                    var s = parts[i];
                    int d = s.DocId;
                    if (d < target) d = s.Advance(target);
                    if (d < doc) doc = d;
                }
                if (doc == Scorer.NoMoreDocs) break;
                if (only is not null)
                {
                    while (onlyIdx < only.Length && only[onlyIdx].To < doc) onlyIdx++;
                    if (onlyIdx == only.Length) break;
                    if (doc < only[onlyIdx].From)
                    {
                        target = only[onlyIdx].From;
                        continue;
                    }
                }
                if (skip is not null)
                {
                    while (skipIdx < skip.Length && skip[skipIdx].To < doc) skipIdx++;
                    if (skipIdx < skip.Length && skip[skipIdx].From <= doc)
                    {
                        target = skip[skipIdx].To + 1;
                        continue;
                    }
                }
                if (heap.RestOfRunLoses(docBase + doc, leafMax))
                {
                    target = heap.NextRunStart(doc);
                    if (target == Scorer.NoMoreDocs) break;
                    continue;
                }
                target = doc + 1;
                // The checks read their field lengths on the candidates the driving parts do not rule out.
                foreach (var c in check) c.PrefetchLengthsAt(doc);
                // MaxScore per document: the driving parts on it, scored exactly (a freq and a field length each),
                // plus the bounds of everything else, may already fall short; the whole query is not checked then.
                // Parts that stopped driving are then scored, highest bound first, while their bounds could still
                // lift it: each either rules the document out or replaces its bound by its score.
                if (heap.IsFull)
                {
                    // The driving parts on it, highest bound first: each is scored (its field length read: at 1M
                    // documents a cache miss) only while its bound from the frequency alone, the other driving
                    // parts' and everything else's can still lift the document.
                    float pending = 0;
                    for (int i = firstDriving; i < parts.Length; i++)
                        if (parts[i].DocId == doc) pending += upper[i] = parts[i].ScoreUpperBound();
                    float exact = 0;
                    bool ruledOut = Scorer.Loosen(prefix[firstDriving] + pending) < minScore;
                    for (int i = parts.Length - 1; i >= firstDriving && !ruledOut; i--)
                    {
                        if (parts[i].DocId != doc) continue;
                        pending = Math.Max(0f, pending - upper[i]);
                        exact += parts[i].Score();
                        ruledOut = Scorer.Loosen(prefix[firstDriving] + exact + pending) < minScore;
                    }
                    for (int i2 = firstDriving - 1; i2 >= 0 && !ruledOut; i2--)
                        ruledOut = !AddIfCompetitive(parts[i2], doc, prefix[i2], minScore, ref exact);
                    if (ruledOut || Scorer.Loosen(prefix[0] + exact) < minScore) continue;
                    for (int j = 0; j < check.Length && !ruledOut; j++)
                        ruledOut = !AddIfCompetitive(check[j], doc, checkRest[j + 1], minScore, ref exact);
                    if (ruledOut || Scorer.Loosen(checkRest[check.Length] + exact) < minScore) continue;
                }
                if (checkLive && !leaf.IsLive(doc)) continue;
                if (Seen(seen, doc) || !tree.AdvanceExact(doc)) continue;
                if (!heap.OfferScored(tree, docBase + doc)) continue;
                if (heap.IsFull && heap.MinScore > minScore)
                {
                    minScore = heap.MinScore;
                    tree.SetMinCompetitiveScore(minScore);
                    while (firstDriving < parts.Length && Scorer.Loosen(prefix[firstDriving + 1]) < minScore) firstDriving++;
                }
            }
        }

        /// <summary>False when what <paramref name="part"/> can add on <paramref name="doc"/> plus
        /// <paramref name="restAfter"/> (what the parts after it can) plus the exact scores so far falls short of
        /// <paramref name="minScore"/>: first by its bound over the segment, then by its bound on the document's
        /// postings block (read from the skip data, the block not decoded), then by its bound from the document's
        /// frequency (<see cref="Scorer.ScoreUpperBound"/>, no field length read); else adds its score on it.</summary>
        private static bool AddIfCompetitive(Scorer part, int doc, float restAfter, float minScore, ref float exact)
        {
            if (Scorer.Loosen(restAfter + part.MaxScore + exact) < minScore) return false;
            if (Scorer.Loosen(restAfter + part.ScoreBoundAt(doc) + exact) < minScore) return false;
            int d = part.DocId;
            if (d < doc) d = part.Advance(doc);
            if (d != doc) return true;
            // Its bound on the document from the frequency alone, before its field length is read.
            if (Scorer.Loosen(restAfter + part.ScoreUpperBound() + exact) < minScore) return false;
            exact += part.Score();
            return true;
        }

        private static bool Seen(Scorer[] seen, int doc)
        {
            foreach (var s in seen)
                if (s.AdvanceExact(doc)) return true;
            return false;
        }
    }

    /// <summary>Min-heap on (score, -id): the root is the weakest of the kept hits. Each kept hit carries its
    /// segment's 8-byte id key, so a tie (every match of a constant-score query) is mostly one integer compare
    /// instead of resolving both documents' segments.</summary>
    private struct TopHeap(int capacity, IndexSearcher ids)
    {
        private readonly ScoreDoc[] _items = new ScoreDoc[capacity];
        private readonly ulong[] _keys = new ulong[capacity];
        private int _count;
        private ulong[]? _leafKeys;
        private int[]? _leafRuns;
        private int _leafBase;

        public readonly bool IsFull => _count == _items.Length;

        /// <summary>The weakest kept score (valid when full).</summary>
        public readonly float MinScore => _items[0].Score;

        /// <summary>The segment whose documents are offered next (snapshot-wide ids from <paramref name="docBase"/>).</summary>
        public void SetLeaf(LeafReader leaf, int docBase)
        {
            var core = (leaf as SegmentReader)?.Core;
            _leafKeys = core?.IdKeys;
            _leafRuns = core?.IdKeyRuns;
            _leafBase = docBase;
        }

        /// <summary>Whether no document of the current segment from <paramref name="doc"/> (snapshot-wide) to the end
        /// of its run of ascending ids (<see cref="NextRunStart"/>) can enter, given that none scores above
        /// <paramref name="leafMaxScore"/> (the segment's bound): the heap is full, its weakest score is that bound or
        /// more, and <paramref name="doc"/> loses the tie to the weakest kept hit, so every later document of the run,
        /// with a later id, does too (Lucene's early termination on an index sorted by the tie-break). A
        /// constant-score query then takes n matches from each run instead of walking them all.</summary>
        public readonly bool RestOfRunLoses(int doc, float leafMaxScore)
        {
            if (_leafRuns is null || !IsFull || leafMaxScore > _items[0].Score) return false;
            return _keys[0] != 0 && _leafKeys![doc - _leafBase] > _keys[0];
        }

        /// <summary>The first document (segment-relative) of the run after the one holding <paramref name="leafDoc"/>
        /// (segment-relative), or <see cref="Scorer.NoMoreDocs"/>.</summary>
        public readonly int NextRunStart(int leafDoc)
        {
            var runs = _leafRuns!;
            int i = Array.BinarySearch(runs, leafDoc + 1);
            if (i < 0) i = ~i;
            return i < runs.Length ? runs[i] : Scorer.NoMoreDocs;
        }

        // 0: no key (a reader without id keys; ids are never empty, so a real key is never 0).
        private readonly ulong KeyOf(int doc) => _leafKeys is { } keys ? keys[doc - _leafBase] : 0;

        // a is weaker than b: lower score, or same score and a later article id (keys first: they order as the ids
        // do, and equal keys need the ids themselves).
        private readonly bool Weaker(in ScoreDoc a, ulong aKey, in ScoreDoc b, ulong bKey) =>
            a.Score < b.Score || (a.Score == b.Score
                && (aKey != bKey && aKey != 0 && bKey != 0 ? aKey > bKey : ids.CompareIds(a.Doc, b.Doc) > 0));

        /// <summary>Offers the scorer's current document unless its bound or score shows it cannot compete (a score
        /// equal to the weakest kept one can still win its tie on the id); false when it was ruled out.</summary>
        public bool OfferScored(Scorer scorer, int doc)
        {
            if (!IsFull)
            {
                Offer(doc, scorer.Score());
                return true;
            }
            // Most matches of a common word cannot enter: rule them out without reading field lengths.
            if (scorer.ScoreUpperBound() < MinScore) return false;
            float score = scorer.ScoreIfCompetitive(MinScore);
            if (score < MinScore) return false;
            Offer(doc, score);
            return true;
        }

        public void Offer(int doc, float score)
        {
            var item = new ScoreDoc(doc, score);
            ulong key = KeyOf(doc);
            if (_count < _items.Length)
            {
                int i = _count++;
                while (i > 0)
                {
                    int parent = (i - 1) >> 1;
                    if (!Weaker(item, key, _items[parent], _keys[parent])) break;
                    _items[i] = _items[parent];
                    _keys[i] = _keys[parent];
                    i = parent;
                }
                _items[i] = item;
                _keys[i] = key;
            }
            else if (Weaker(_items[0], _keys[0], item, key))
            {
                SiftDown(item, key);
            }
        }

        private void SiftDown(ScoreDoc item, ulong key)
        {
            int i = 0;
            while (true)
            {
                int l = 2 * i + 1;
                if (l >= _count) break;
                int r = l + 1;
                int weakest = r < _count && Weaker(_items[r], _keys[r], _items[l], _keys[l]) ? r : l;
                if (!Weaker(_items[weakest], _keys[weakest], item, key)) break;
                _items[i] = _items[weakest];
                _keys[i] = _keys[weakest];
                i = weakest;
            }
            _items[i] = item;
            _keys[i] = key;
        }

        public readonly ScoreDoc[] ToSortedArray()
        {
            var result = new ScoreDoc[_count];
            Array.Copy(_items, result, _count);
            var searcher = ids;
            Array.Sort(result, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : searcher.CompareIds(a.Doc, b.Doc));
            return result;
        }
    }
}

/// <summary>
/// Cleared bitsets of exactly a segment's words, kept per thread by size: bitset scorers size their scratch sets and
/// word loops by the array they are given, so a pooled array sized for the largest segment made every small segment
/// of a query clear and AND that many words (a 712k-doc segment beside 16k-doc ones made dense conjunctions' counts
/// 2× slower).
/// </summary>
internal static class SegmentBits
{
    private const int MaxSizes = 64;

    [ThreadStatic] private static Dictionary<int, ulong[]>? _bySize;

    /// <summary>A zeroed array of <paramref name="words"/> words, valid until this thread asks for that size again.</summary>
    public static ulong[] Get(int words)
    {
        var bySize = _bySize ??= [];
        if (bySize.TryGetValue(words, out var bits)) Array.Clear(bits);
        else
        {
            if (bySize.Count >= MaxSizes) bySize.Clear();
            bySize[words] = bits = new ulong[words];
        }
        return bits;
    }
}
