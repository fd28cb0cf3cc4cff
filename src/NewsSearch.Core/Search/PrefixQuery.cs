using System.Numerics;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>
/// Every term of a field that starts with <see cref="Prefix"/> (found with TermsEnum.SeekCeil), e.g. the bigrams
/// starting with a single CJK character the user typed. Constant score (the boost), like Lucene's rewrite:
/// the postings of all expanded terms are unioned into a per-segment bitset. Every matching term is expanded by
/// default (the docs-only union costs work per posting, not memory per term); with a <see cref="MaxExpansions"/>
/// cap, a segment with more terms expands the first ones in term order and the search reports itself partial
/// (<see cref="IndexSearcher.PartialReason"/>), never silently.
/// </summary>
public sealed class PrefixQuery(string field, string prefix, int maxExpansions = PrefixQuery.Unlimited) : Query
{
    /// <summary>No cap on expanded terms.</summary>
    public const int Unlimited = int.MaxValue;

    public string Field { get; } = field;

    public string Prefix { get; } = prefix;

    public int MaxExpansions { get; } = maxExpansions;

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) =>
        new PrefixWeight(this, needsScores ? boost : 0f, searcher);

    public override string ToString() => $"{Field}:{TermQuery.QuoteIfNeeded(Prefix)}*";

    private sealed class PrefixWeight(PrefixQuery query, float score, IndexSearcher searcher) : Weight
    {
        protected override string Describe() => $"{query} (constant)";

        // One postings enum serves every expanded term of every segment (two int[128] buffers per query instead of
        // per term). Taken and given back with Interlocked so a weight used from two threads would merely allocate.
        private PostingsEnum? _spareEnum;

        public override Scorer? GetScorer(LeafReader leaf)
        {
            if (leaf.MaxDoc == 0) return null;
            // A search expands each prefix once per segment: the scoring pass, MaxScore's parts and the counting pass
            // share the bitset through the searcher (it is only read).
            var key = new IndexSearcher.ExpansionKey(query.Field, query.Prefix, query.MaxExpansions, leaf);
            var (bits, count) = searcher.GetOrAddExpansion(key, () => ExpandCached(leaf));
            return bits is null ? null : new BitSetScorer(bits, leaf.MaxDoc, Math.Min(count, leaf.MaxDoc), score);
        }

        /// <summary>Expansions over many postings are kept on the segment for later searches too.</summary>
        private (ulong[]? Bits, long Count) ExpandCached(LeafReader leaf)
        {
            // A capped expansion must report itself on every search, so only uncapped ones are kept.
            if (leaf is not SegmentReader segment || query.MaxExpansions != Unlimited) return Expand(leaf);
            var cache = segment.Core.Expansions;
            string key = query.Field + "\0" + query.Prefix;
            if (cache.TryGet(key, out var hit)) return hit;
            var value = Expand(leaf);
            // Only those matching at least 1/64 of the segment, where a bitset is what a set of their size costs anyway.
            if (value.Count >= leaf.MaxDoc / 64) cache.Add(key, value);
            return value;
        }

        private (ulong[]? Bits, long Count) Expand(LeafReader leaf)
        {
            int words = (leaf.MaxDoc + 63) >> 6;
            ulong[]? bits = null;
            var postings = Interlocked.Exchange(ref _spareEnum, null);
            long count = 0;
            // A gram prefix of one Han char also covers the word field: the gram index leaves out a bigram the word
            // field holds at the same position, and any word starting with the char puts the char at its position.
            string? wordField = GramPostings.IsHanChar(query.Prefix) ? GramPostings.WordFieldOf(query.Field) : null;
            int expanded = 0; // the cap counts the terms of both fields
            for (int f = 0; f < (wordField is null ? 1 : 2) && expanded < query.MaxExpansions; f++)
            {
                var terms = leaf.GetTerms(f == 0 ? query.Field : wordField!);
                if (terms is null || !terms.SeekCeil(query.Prefix)) continue;
                bits ??= new ulong[words];
                do
                {
                    if (!terms.Term.StartsWith(query.Prefix, StringComparison.Ordinal)) break;
                    // Docs only: the union needs neither freqs nor positions.
                    postings = terms.Postings(withPositions: false, postings);
                    postings.IntoBitSet(bits);
                    count += terms.DocFreq;
                } while (++expanded < query.MaxExpansions && terms.Next());
                if (expanded >= query.MaxExpansions && terms.Next() && terms.Term.StartsWith(query.Prefix, StringComparison.Ordinal))
                    searcher.ReportPartial($"prefix {query} expanded only its first {query.MaxExpansions} terms in a segment");
            }
            if (postings is not null) _spareEnum = postings;
            return count == 0 ? (null, 0) : (bits, count);
        }
    }
}

/// <summary>
/// Iterates the set bits of a per-segment bitset (the first (maxDoc + 63) / 64 words of <paramref name="bits"/>)
/// with a constant score. The bitset is only read (a prefix's expansion is shared by the passes of a search and may
/// be kept on the segment), and not at all once the scorer is exhausted.
/// </summary>
internal sealed class BitSetScorer(ulong[] bits, int maxDoc, long cost, float score) : Scorer
{
    private ulong[]? _bits = bits;
    private readonly int _words = (maxDoc + 63) >> 6;
    private int _doc = -1;

    public override int DocId => _doc;

    public override long Cost => cost;

    internal int MaxDoc => maxDoc;

    internal float ConstantScore => score;

    /// <summary>The bitset while the scorer has not been exhausted (read by <see cref="BitSetUnionScorer"/>).</summary>
    internal ulong[]? Bits => _bits;

    public override int NextDoc() => Advance(_doc + 1);

    public override int Advance(int target)
    {
        var b = _bits;
        if (b is null) return _doc = NoMoreDocs;
        if (target >= maxDoc) return Exhausted();
        int word = target >> 6;
        ulong w = b[word] & (ulong.MaxValue << (target & 63));
        while (w == 0)
        {
            if (++word >= _words) return Exhausted();
            w = b[word];
        }
        int doc = (word << 6) + BitOperations.TrailingZeroCount(w);
        return doc < maxDoc ? _doc = doc : Exhausted();
    }

    /// <summary>Ends the iteration.</summary>
    internal int Exhausted()
    {
        _bits = null;
        return _doc = NoMoreDocs;
    }

    public override float Score() => score;

    public override float ScoreUpperBound() => score;

    public override float MaxScore => score;

    public override void IntoBitSet(ulong[] bits)
    {
        var b = _bits;
        if (b is null) return;
        int from = _doc + 1;
        if (from < maxDoc)
        {
            int word = from >> 6;
            bits[word] |= b[word] & (ulong.MaxValue << (from & 63));
            for (int i = word + 1; i < _words; i++) bits[i] |= b[i];
        }
        Exhausted();
    }
}

/// <summary>
/// A disjunction of constant-score bitsets of one segment (a single Han character: the prefix on title.cjk OR the
/// one on body.cjk): walks the OR of their words, and a doc scores the sum of the scores of the sets holding it,
/// as <see cref="DisjunctionScorer"/> would, without advancing each clause per doc.
/// </summary>
internal sealed class BitSetUnionScorer : Scorer
{
    private readonly BitSetScorer[] _subs;
    private readonly ulong[][] _bits;
    private readonly float[] _scores;
    private readonly int _maxDoc;
    private readonly int _words;
    private ulong[][] _driving; // the sets whose docs are visited (all, until MaxScore leaves some out)
    private int[]? _order;      // set indexes by score ascending (made on the first bound)
    private int _doc = -1;
    private bool _done;

    /// <summary>All <paramref name="subs"/> unstarted, over the same segment.</summary>
    public BitSetUnionScorer(BitSetScorer[] subs)
    {
        _subs = subs;
        _bits = new ulong[subs.Length][];
        _scores = new float[subs.Length];
        long cost = 0;
        for (int i = 0; i < subs.Length; i++)
        {
            if (subs[i].DocId != -1 || subs[i].Bits is null || subs[i].MaxDoc != subs[0].MaxDoc)
                throw new ArgumentException("bitset scorers must be unstarted and of one segment", nameof(subs));
            _bits[i] = subs[i].Bits!;
            _scores[i] = subs[i].ConstantScore;
            cost += subs[i].Cost;
        }
        _maxDoc = subs[0].MaxDoc;
        _words = (_maxDoc + 63) >> 6;
        Cost = Math.Min(cost, _maxDoc);
        _driving = _bits;
    }

    public override int DocId => _doc;

    public override long Cost { get; }

    public override int NextDoc() => Advance(_doc + 1);

    public override int Advance(int target)
    {
        if (_done) return _doc = NoMoreDocs;
        if (target >= _maxDoc) return Finish();
        int word = target >> 6;
        ulong w = Word(word) & (ulong.MaxValue << (target & 63));
        while (w == 0)
        {
            if (++word >= _words) return Finish();
            w = Word(word);
        }
        int doc = (word << 6) + BitOperations.TrailingZeroCount(w);
        return doc < _maxDoc ? _doc = doc : Finish();
    }

    private ulong Word(int word)
    {
        ulong w = 0;
        foreach (var b in _driving) w |= b[word];
        return w;
    }

    private int Finish()
    {
        _done = true;
        foreach (var s in _subs) s.Exhausted();
        return _doc = NoMoreDocs;
    }

    public override float Score()
    {
        int word = _doc >> 6;
        ulong mask = 1UL << _doc;
        float sum = 0;
        for (int i = 0; i < _bits.Length; i++)
            if ((_bits[i][word] & mask) != 0) sum += _scores[i];
        return sum;
    }

    public override float ScoreUpperBound() => Score();

    public override float MaxScore
    {
        get
        {
            float sum = 0;
            foreach (float s in _scores) sum += s;
            return sum;
        }
    }

    /// <summary>MaxScore over constant scores: once no set holds enough alone, walk only the sets that can reach
    /// <paramref name="minScore"/> together with the others (the lowest-scoring sets stop driving the walk).</summary>
    public override bool SetMinCompetitiveScore(float minScore)
    {
        if (_done) return false;
        // Sets by score ascending: the longest prefix whose scores sum below minScore cannot make a doc competitive
        // on its own, so only docs in some later set are visited (their score still counts every set).
        if (_order is null)
        {
            _order = new int[_scores.Length];
            for (int i = 0; i < _order.Length; i++) _order[i] = i;
            Array.Sort(_order, (a, b) => _scores[a].CompareTo(_scores[b]));
        }
        var order = _order;
        float prefix = 0;
        int skipped = 0;
        while (skipped < order.Length && Loosen(prefix + _scores[order[skipped]]) < minScore) prefix += _scores[order[skipped++]];
        if (skipped == 0) return false;
        if (order.Length - skipped == _driving.Length) return true;
        if (skipped == order.Length)
        {
            Finish();
            return true;
        }
        var driving = new ulong[order.Length - skipped][];
        for (int i = skipped; i < order.Length; i++) driving[i - skipped] = _bits[order[i]];
        _driving = driving;
        return true;
    }

    public override void IntoBitSet(ulong[] bits)
    {
        if (_done) return;
        int from = _doc + 1;
        if (from < _maxDoc)
        {
            // Every set, also those MaxScore stopped walking: a match is a match.
            int word = from >> 6;
            foreach (var b in _bits)
            {
                bits[word] |= b[word] & (ulong.MaxValue << (from & 63));
                for (int i = word + 1; i < _words; i++) bits[i] |= b[i];
            }
        }
        Finish();
    }
}
