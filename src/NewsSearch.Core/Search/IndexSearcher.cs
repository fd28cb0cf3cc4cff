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
    /// and the total hit count.</summary>
    public TopDocs Search(Query query, int n)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var weight = query.CreateWeight(this, needsScores: true, boost: 1f);
        var heap = new TopHeap(n, this);
        long total = 0;
        for (int li = 0; li < Reader.Leaves.Count; li++)
        {
            var leaf = Reader.Leaves[li];
            var scorer = weight.GetScorer(leaf);
            if (scorer is null) continue;
            int docBase = _docBases[li];
            bool checkLive = leaf.HasDeletions;
            for (int doc = scorer.NextDoc(); doc != Scorer.NoMoreDocs; doc = scorer.NextDoc())
            {
                if (checkLive && !leaf.IsLive(doc)) continue;
                total++;
                if (n == 0) continue;
                // Most matches of a common word cannot enter the top n: rule them out without reading field lengths.
                // (A bound equal to the weakest score can still win its tie on the id.)
                if (heap.IsFull && scorer.ScoreUpperBound() < heap.MinScore) continue;
                heap.Offer(docBase + doc, scorer.Score());
            }
        }
        return new TopDocs(total, heap.ToSortedArray());
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

    /// <summary>Counts live matches without scoring.</summary>
    public long Count(Query query)
    {
        var weight = query.CreateWeight(this, needsScores: false, boost: 1f);
        long total = 0;
        foreach (var leaf in Reader.Leaves)
        {
            var scorer = weight.GetScorer(leaf);
            if (scorer is null) continue;
            bool checkLive = leaf.HasDeletions;
            for (int doc = scorer.NextDoc(); doc != Scorer.NoMoreDocs; doc = scorer.NextDoc())
                if (!checkLive || leaf.IsLive(doc)) total++;
        }
        return total;
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

    /// <summary>Min-heap on (score, -id): the root is the weakest of the kept hits.</summary>
    private struct TopHeap(int capacity, IndexSearcher ids)
    {
        private readonly ScoreDoc[] _items = new ScoreDoc[capacity];
        private int _count;

        public readonly bool IsFull => _count == _items.Length;

        /// <summary>The weakest kept score (valid when full).</summary>
        public readonly float MinScore => _items[0].Score;

        // a is weaker than b: lower score, or same score and a later article id.
        private readonly bool Weaker(in ScoreDoc a, in ScoreDoc b) =>
            a.Score < b.Score || (a.Score == b.Score && ids.CompareIds(a.Doc, b.Doc) > 0);

        public void Offer(int doc, float score)
        {
            var item = new ScoreDoc(doc, score);
            if (_count < _items.Length)
            {
                int i = _count++;
                while (i > 0)
                {
                    int parent = (i - 1) >> 1;
                    if (!Weaker(item, _items[parent])) break;
                    _items[i] = _items[parent];
                    i = parent;
                }
                _items[i] = item;
            }
            else if (Weaker(_items[0], item))
            {
                SiftDown(item);
            }
        }

        private void SiftDown(ScoreDoc item)
        {
            int i = 0;
            while (true)
            {
                int l = 2 * i + 1;
                if (l >= _count) break;
                int r = l + 1;
                int weakest = r < _count && Weaker(_items[r], _items[l]) ? r : l;
                if (!Weaker(_items[weakest], item)) break;
                _items[i] = _items[weakest];
                i = weakest;
            }
            _items[i] = item;
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
