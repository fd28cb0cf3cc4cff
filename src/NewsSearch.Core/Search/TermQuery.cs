using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>One term of one analyzed field, scored with BM25.</summary>
public sealed class TermQuery(string field, string term) : Query
{
    public string Field { get; } = field;

    public string Term { get; } = term;

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost)
    {
        long df = GramPostings.DocFreq(searcher.Reader, Field, Term);
        if (df == 0) return EmptyWeight.Instance;
        var stats = searcher.GetFieldStatistics(Field);
        float idf = BM25Similarity.Idf(df, Math.Max(stats.DocCount, df));
        return new TermWeight(this, searcher.Similarity.CreateScorer(boost, idf, stats), needsScores, stats);
    }

    public override string ToString() => $"{Field}:{QuoteIfNeeded(Term)}";

    internal static string QuoteIfNeeded(string s) =>
        s.Length == 0 || s.AsSpan().IndexOfAny(" \t\"():^[]{}") >= 0 ? "\"" + s.Replace("\"", "\\\"") + "\"" : s;

    private sealed class TermWeight(TermQuery query, BM25Scorer sim, bool needsScores, FieldStatistics stats) : Weight
    {
        public override Explanation Explain(LeafReader leaf, int doc)
        {
            var postings = GramPostings.Get(leaf, query.Field, query.Term, withPositions: false);
            if (postings is null || postings.Advance(doc) != doc) return Explanation.NoMatch(query.ToString());
            return BM25Explain.Of(query.ToString(), sim, postings.Freq, leaf.GetFieldLengths(query.Field).Get(doc), stats);
        }

        public override Scorer? GetScorer(LeafReader leaf)
        {
            var postings = GramPostings.Get(leaf, query.Field, query.Term, withPositions: false);
            if (postings is null) return null;
            // A deduped gram's postings may be the word field's (or a union): their recorded bounds are in that field's
            // lengths, not this one's, so only a term read from its own field uses them.
            bool ownField = GramPostings.WordFieldOf(query.Field) is null || !GramPostings.IsHanPair(query.Term);
            return needsScores
                ? new TermScorer(postings, sim, leaf.GetFieldLengths(query.Field), ownField)
                : new ConstantScorer(new PostingsScorer(postings), 0f);
        }
    }
}

/// <summary>Scores a term's postings with BM25 using the field length of each document (norms looked up once per
/// segment). Its bounds come from the (freq, length) pairs recorded in the skip data when <paramref name="useImpacts"/>
/// (the postings are this field's own): the term's for <see cref="MaxScore"/>, the block's for
/// <see cref="ScoreBoundAt"/>; else from the BM25 weight, which no frequency reaches.</summary>
internal sealed class TermScorer(PostingsEnum postings, BM25Scorer sim, FieldLengths lengths, bool useImpacts = false) : Scorer
{
    private float _maxScore = float.NaN;
    private int _blockFrom = -1;          // the cached block's pairs hold for docs in [_blockFrom, _blockUpTo]
    private int _blockUpTo = -1;
    private float _blockMax;
    private Impact[]? _blockPairs;
    private int _blockPairCount;

    public override int DocId => postings.DocId;
    public override int NextDoc() => postings.NextDoc();
    public override int Advance(int target) => postings.Advance(target);
    public override float Score() => sim.Score(postings.Freq, lengths.Get(postings.DocId));
    public override void PrefetchLengths() => postings.PrefetchLengths(lengths);
    public override void PrefetchLengthsAt(int doc) => lengths.Prefetch(doc);
    /// <summary>The score of the document's freq at the shortest length its block's pairs allow for that freq (every
    /// document has a pair with at least its freq and at most its length, and the front's lengths rise with the freq),
    /// so most documents of a common term are ruled out without reading their field length; the same float
    /// expression as <see cref="Score"/>, so it is never below it. Without the block's pairs: the term's bound or length
    /// 0, whichever is lower.</summary>
    public override float ScoreUpperBound()
    {
        int freq = postings.Freq;
        if (useImpacts)
        {
            int doc = postings.DocId;
            // Only forward: the skip cursor never moves back to a block behind the cached one.
            if (doc > _blockUpTo) LoadBlock(doc);
            if (doc >= _blockFrom && doc <= _blockUpTo)
            {
                var pairs = _blockPairs!;
                for (int i = 0; i < _blockPairCount; i++)
                    if (pairs[i].Freq >= freq) return sim.Score(freq, pairs[i].Length);
            }
            // The tail block has no pairs; a block read ahead holds for none behind it: the term's pairs bound it.
            return Math.Min(sim.UpperBound(freq), MaxScore);
        }
        return sim.UpperBound(freq);
    }

    public override float MaxScore
    {
        get
        {
            if (float.IsNaN(_maxScore))
            {
                Span<Impact> pairs = stackalloc Impact[ImpactsBuilder.MaxStored];
                int n = useImpacts ? postings.TermImpacts(pairs) : 0;
                // BM25 tends to boost · idf as the frequency grows (Lucene 8's form has no (k1 + 1) factor).
                _maxScore = n == 0 ? Loosen(sim.Weight) : Loosen(Max(pairs[..n]));
            }
            return _maxScore;
        }
    }

    public override float ScoreBoundAt(int doc)
    {
        int d = postings.DocId;
        if (d == doc) return Score();
        if (d > doc) return 0f;
        return BlockBound(doc, out _);
    }

    public override float BlockBound(int target, out int upTo)
    {
        if (!useImpacts)
        {
            upTo = NoMoreDocs;
            return MaxScore;
        }
        if (target > _blockUpTo) LoadBlock(target);
        upTo = _blockUpTo;
        return _blockMax;
    }

    /// <summary>Reads the pairs of the block holding <paramref name="target"/> (past the cached one) from the skip data.</summary>
    private void LoadBlock(int target)
    {
        var pairs = _blockPairs ??= new Impact[ImpactsBuilder.MaxStored];
        _blockUpTo = postings.BlockImpacts(target, pairs, out int n);
        _blockFrom = target;
        _blockPairCount = n;
        _blockMax = n == 0 ? MaxScore : Loosen(Max(pairs.AsSpan(0, n)));
    }

    private float Max(ReadOnlySpan<Impact> pairs)
    {
        float max = 0;
        foreach (var p in pairs) max = Math.Max(max, sim.Score(p.Freq, p.Length));
        return max;
    }

    public override void IntoBitSet(ulong[] bits) => postings.IntoBitSet(bits);
    public override long Cost => postings.Cost;
}

/// <summary>A postings list as an unscored iterator.</summary>
internal sealed class PostingsScorer(PostingsEnum postings) : Scorer
{
    public override int DocId => postings.DocId;
    public override int NextDoc() => postings.NextDoc();
    public override int Advance(int target) => postings.Advance(target);
    public override float Score() => 0f;
    public override float ScoreUpperBound() => 0f;
    public override float MaxScore => 0f;
    public override void IntoBitSet(ulong[] bits) => postings.IntoBitSet(bits);
    public override long Cost => postings.Cost;
}

/// <summary>Replaces the wrapped scorer's score by a constant (filters, keyword fields, prefix matches).</summary>
internal sealed class ConstantScorer(Scorer inner, float score) : Scorer
{
    public override int DocId => inner.DocId;
    public override int NextDoc() => inner.NextDoc();
    public override int Advance(int target) => inner.Advance(target);
    public override float Score() => score;
    public override float ScoreUpperBound() => score;
    public override float MaxScore => score;
    public override void IntoBitSet(ulong[] bits) => inner.IntoBitSet(bits);
    public override long Cost => inner.Cost;
}

internal sealed class EmptyWeight : Weight
{
    public static readonly EmptyWeight Instance = new();
    public override Scorer? GetScorer(LeafReader leaf) => null;
}

/// <summary>
/// An exact value of an untokenized field (author, section, id): matches with a constant score (the boost).
/// Uses the field's postings; a field kept only as a sorted doc value (kind) is matched with
/// <paramref name="docValuesOnly"/> by comparing each document's value, which is only cheap as a filter inside a
/// conjunction.
/// </summary>
public sealed class KeywordQuery(string field, string value, bool docValuesOnly = false) : Query
{
    public string Field { get; } = field;

    public string Value { get; } = value;

    public bool DocValuesOnly { get; } = docValuesOnly;

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) =>
        new KeywordWeight(this, needsScores ? boost : 0f);

    public override string ToString() => $"{Field}:{TermQuery.QuoteIfNeeded(Value)}";

    private sealed class KeywordWeight(KeywordQuery query, float score) : Weight
    {
        protected override string Describe() => $"{query} (constant)";

        public override Scorer? GetScorer(LeafReader leaf)
        {
            if (query.DocValuesOnly)
                return leaf.MaxDoc == 0 ? null : new SortedValueScorer(leaf, query.Field, query.Value, score);
            var postings = leaf.GetPostings(query.Field, query.Value, withPositions: false);
            return postings is null ? null : new ConstantScorer(new PostingsScorer(postings), score);
        }
    }

    private sealed class SortedValueScorer(LeafReader leaf, string field, string value, float score) : Scorer
    {
        private int _doc = -1;
        public override int DocId => _doc;
        public override int NextDoc() => Advance(_doc + 1);
        public override int Advance(int target)
        {
            for (int d = target; d < leaf.MaxDoc; d++)
                if (string.Equals(leaf.GetSortedValue(field, d), value, StringComparison.Ordinal))
                    return _doc = d;
            return _doc = NoMoreDocs;
        }
        public override bool AdvanceExact(int target)
        {
            _doc = target;
            return string.Equals(leaf.GetSortedValue(field, target), value, StringComparison.Ordinal);
        }
        public override float Score() => score;
        public override float ScoreUpperBound() => score;
        public override float MaxScore => score;
        public override long Cost => leaf.MaxDoc;
    }
}

/// <summary>
/// Documents whose numeric doc value lies in [Min, Max] (e.g. published day as days since 1970-01-01).
/// A filter: constant score; checks values one document at a time, so it is cheap inside a conjunction.
/// </summary>
public sealed class NumericRangeQuery(string field, long min, long max) : Query
{
    public string Field { get; } = field;

    public long Min { get; } = min;

    public long Max { get; } = max;

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) =>
        Min > Max ? EmptyWeight.Instance : new RangeWeight(this, needsScores ? boost : 0f);

    public override string ToString()
    {
        static string F(long v, bool low) => v == (low ? long.MinValue + 1 : long.MaxValue) ? "*"
            : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{Field}:[{F(Min, true)} TO {F(Max, false)}]";
    }

    private sealed class RangeWeight(NumericRangeQuery q, float score) : Weight
    {
        protected override string Describe() => $"{q} (filter)";

        public override Scorer? GetScorer(LeafReader leaf) => leaf.MaxDoc == 0 ? null : new RangeScorer(leaf, q, score);
    }

    private sealed class RangeScorer(LeafReader leaf, NumericRangeQuery q, float score) : Scorer
    {
        private readonly NumericValues _values = leaf.GetNumericValues(q.Field);
        private int _doc = -1;
        public override int DocId => _doc;
        public override int NextDoc() => Advance(_doc + 1);
        public override int Advance(int target)
        {
            for (int d = target; d < leaf.MaxDoc; d++)
            {
                // long.MinValue marks "unknown" and never matches (Min is at least long.MinValue + 1).
                long v = _values.Get(d);
                if (v >= q.Min && v <= q.Max && v != long.MinValue) return _doc = d;
            }
            return _doc = NoMoreDocs;
        }
        // One document's value: a candidate check never scans on to the next document in range.
        public override bool AdvanceExact(int target)
        {
            _doc = target;
            long v = _values.Get(target);
            return v >= q.Min && v <= q.Max && v != long.MinValue;
        }
        public override float Score() => score;
        public override float ScoreUpperBound() => score;
        public override float MaxScore => score;
        public override long Cost => leaf.MaxDoc;
    }
}
