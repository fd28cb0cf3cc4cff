using System.Text;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>
/// A phrase: terms at explicit relative positions (Lucene's PhraseQuery.Builder.add(term, position)), exact or,
/// with <see cref="Slop"/> &gt; 0, sloppy (Lucene's sloppy phrase: the terms may be up to Slop position moves away
/// from where the phrase puts them; a transposition of two adjacent terms costs 2).
/// Positions come from the query analyzer, so stacked tokens and holes left by stop words keep their meaning.
/// Scored with BM25 where tf is the number of phrase occurrences (sloppy: the sum of 1 / (1 + distance) over the
/// matches, as Lucene's BM25 does) and idf is the sum of the terms' idfs.
/// </summary>
public sealed class PhraseQuery : Query
{
    /// <summary>Largest slop accepted (the parser refuses more): beyond it a phrase is just a conjunction.</summary>
    public const int MaxSlop = 1000;

    public PhraseQuery(string field, IReadOnlyList<(string Term, int Position)> terms, int slop = 0)
    {
        if (terms.Count == 0) throw new ArgumentException("A phrase needs at least one term.", nameof(terms));
        ArgumentOutOfRangeException.ThrowIfNegative(slop);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slop, MaxSlop);
        Field = field;
        Slop = slop;
        var sorted = terms.OrderBy(t => t.Position).ToArray();
        int first = sorted[0].Position;
        Terms = sorted.Select(t => t.Term).ToArray();
        Positions = sorted.Select(t => t.Position - first).ToArray();
    }

    public string Field { get; }

    /// <summary>Terms in position order.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Position of each term relative to the first (first is 0).</summary>
    public IReadOnlyList<int> Positions { get; }

    /// <summary>Position moves allowed (0 = exact phrase).</summary>
    public int Slop { get; }

    /// <summary>
    /// A word-field term whose characters are exactly this exact gram phrase's bigrams in a row (the parser's one word
    /// over its gram field), or null. Matches and scores stay the same; it only saves work: each occurrence of the
    /// word holds one occurrence of every bigram of the phrase at the phrase's positions, so in a document where some
    /// bigram occurs as often as the word does, every occurrence of that bigram lies inside an occurrence of the word,
    /// the phrase occurs exactly where the word does, and its frequency is the word's: no other term is moved there
    /// and no position is read. Where the bigram occurs more often the phrase is checked as usual.
    /// </summary>
    public (string Field, string Term)? SpelledBy { get; private init; }

    /// <summary>This phrase with <see cref="SpelledBy"/> set (ignored for a sloppy phrase).</summary>
    public PhraseQuery SpelledByWord(string wordField, string term) =>
        new(Field, Terms.Select((t, i) => (t, Positions[i])).ToArray(), Slop) { SpelledBy = Slop == 0 ? (wordField, term) : null };

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost)
    {
        var stats = searcher.GetFieldStatistics(Field);
        float idf = 0;
        foreach (var t in Terms)
        {
            long df = GramPostings.DocFreq(searcher.Reader, Field, t);
            if (df == 0) return EmptyWeight.Instance;
            idf += BM25Similarity.Idf(df, Math.Max(stats.DocCount, df));
        }
        return new PhraseWeight(this, searcher.Similarity.CreateScorer(boost, idf, stats), needsScores, stats);
    }

    public override string ToString()
    {
        var sb = new StringBuilder().Append(Field).Append(":\"");
        int expected = 0;
        for (int i = 0; i < Terms.Count; i++)
        {
            if (i > 0) sb.Append(' ');
            // Show positions only where they are not simply consecutive.
            sb.Append(Terms[i]);
            if (Positions[i] != expected) sb.Append('@').Append(Positions[i]);
            expected = Positions[i] + 1;
        }
        sb.Append('"');
        if (Slop > 0) sb.Append('~').Append(Slop);
        return sb.ToString();
    }

    private sealed class PhraseWeight(PhraseQuery query, BM25Scorer sim, bool needsScores, FieldStatistics stats) : Weight
    {
        public override Explanation Explain(LeafReader leaf, int doc)
        {
            var scorer = GetScorer(leaf) as ExactPhraseScorer;
            if (scorer is null || scorer.Advance(doc) != doc) return Explanation.NoMatch(query.ToString());
            return BM25Explain.Of(query.ToString(), sim, scorer.Freq, leaf.GetFieldLengths(query.Field).Get(doc), stats,
                query.Slop > 0 ? "phrase freq, sum of 1/(1+distance)" : "phrase freq");
        }

        public override Scorer? GetScorer(LeafReader leaf)
        {
            int n = query.Terms.Count;
            var postings = new PostingsEnum[n];
            for (int i = 0; i < n; i++)
            {
                var p = GramPostings.Get(leaf, query.Field, query.Terms[i], withPositions: true);
                if (p is null) return null;
                postings[i] = p;
            }
            return new ExactPhraseScorer(postings, query.Positions, sim, needsScores,
                needsScores ? leaf.GetFieldLengths(query.Field) : default, query.Slop,
                docsOnly: i => GramPostings.Get(leaf, query.Field, query.Terms[i], withPositions: false),
                spelledBy: query.SpelledBy is { } w ? leaf.GetPostings(w.Field, w.Term, withPositions: false) : null,
                matchCache: needsScores || query.Slop > 0 || leaf is not SegmentReader segment ? null : (segment.Core.PhraseMatches, CacheKey, leaf.MaxDoc));
        }

        private string CacheKey => _cacheKey ??= query.ToString();
        private string? _cacheKey;
    }
}

/// <summary>
/// Leapfrogs the terms' postings (cheapest first) and, on each document they share, counts the positions p
/// where every term i occurs at p + offset(i) (with a slop: the sloppy frequency). Position buffers are reused
/// across documents.
/// </summary>
internal sealed class ExactPhraseScorer : Scorer
{
    private readonly PostingsEnum[] _postings;   // by cost ascending
    private readonly int[] _offsets;             // relative positions, same order as _postings
    private readonly int[][] _positions;         // per term: positions minus offset, for the current doc
    private readonly int[] _counts;
    private readonly BM25Scorer _sim;
    private readonly bool _needsScores;
    private readonly FieldLengths _lengths;
    private readonly int _slop;
    private readonly int[] _order;               // _postings[k] is term _order[k] of the phrase
    private readonly Func<int, PostingsEnum?>? _docsOnly;
    private readonly (SegmentMatchCache Cache, string Key, int MaxDoc)? _matchCache;
    private readonly PostingsEnum? _spelledBy;   // the word spelling the phrase (PhraseQuery.SpelledBy), no positions
    private bool _spelled;                       // the current doc matched through _spelledBy
    private int _doc = -1;
    private float _freq;

    /// <param name="docsOnly">A term's postings without positions, by its index in the phrase: lets counting
    /// intersect dense terms as bitsets.</param>
    public ExactPhraseScorer(PostingsEnum[] postings, IReadOnlyList<int> offsets, BM25Scorer sim, bool needsScores,
        FieldLengths lengths, int slop = 0, Func<int, PostingsEnum?>? docsOnly = null,
        (SegmentMatchCache Cache, string Key, int MaxDoc)? matchCache = null, PostingsEnum? spelledBy = null)
    {
        _matchCache = matchCache;
        _spelledBy = slop == 0 ? spelledBy : null;
        _slop = slop;
        _docsOnly = docsOnly;
        var order = _order = Enumerable.Range(0, postings.Length).OrderBy(i => postings[i].Cost).ToArray();
        _postings = order.Select(i => postings[i]).ToArray();
        _offsets = order.Select(i => offsets[i]).ToArray();
        _positions = order.Select(_ => new int[8]).ToArray();
        _counts = new int[postings.Length];
        _sim = sim;
        _needsScores = needsScores;
        _lengths = lengths;
    }

    public override int DocId => _doc;

    public override long Cost => _postings[0].Cost;

    public override int NextDoc() => Advance(_doc + 1);

    public override int Advance(int target)
    {
        for (int doc = NextCandidate(target); doc != NoMoreDocs; doc = NextCandidate(doc + 1))
        {
            _freq = _spelled ? SpelledFreq : _needsScores || _slop > 0 ? PhraseFreq() : (OccursOnce() ? 1 : 0);
            if (_freq > 0) return _doc = doc;
        }
        return _doc = NoMoreDocs;
    }

    /// <summary>The first document at or after <paramref name="target"/> holding every term (the phrase itself not
    /// checked yet): the terms' postings leapfrogged from the cheapest.</summary>
    private int NextCandidate(int target)
    {
        var lead = _postings[0];
        int doc = lead.DocId < target ? lead.Advance(target) : lead.DocId;
        while (doc != NoMoreDocs)
        {
            if (_spelledBy is not null && SpelledAt(doc)) return doc;
            int i = 1;
            for (; i < _postings.Length; i++)
            {
                var p = _postings[i];
                int d = p.DocId < doc ? p.Advance(doc) : p.DocId;
                if (d != doc)
                {
                    doc = d == NoMoreDocs ? NoMoreDocs : lead.Advance(d);
                    break;
                }
            }
            if (i == _postings.Length) return doc;
        }
        return NoMoreDocs;
    }

    /// <summary>Whether the lead's document <paramref name="doc"/> matches through the spelling word (sets
    /// <see cref="_spelled"/>): it holds the word and, when scoring, the lead occurs there as often as the word (see
    /// <see cref="PhraseQuery.SpelledBy"/>). Any document holding the word matches the phrase.</summary>
    private bool SpelledAt(int doc)
    {
        var w = _spelledBy!;
        int d = w.DocId < doc ? w.Advance(doc) : w.DocId;
        return _spelled = d == doc && (!_needsScores || w.Freq == _postings[0].Freq);
    }

    /// <summary>The phrase frequency of a document matched through the spelling word: the word's.</summary>
    private float SpelledFreq => _needsScores ? _spelledBy!.Freq : 1;

    /// <summary>Reads positions only for candidates not set yet: in an OR whose cheaper clauses went first (a word
    /// that spells the phrase), most candidates are already matches.</summary>
    public override void IntoBitSet(ulong[] bits)
    {
        // Dense: the lead matches a doc in every 64 on average. With a spelling word far fewer pay: its documents are
        // set from its postings as bits and only the rest of the lead's are checked, so walking the lead doc by doc
        // (a union of two postings lists for a sub-word) costs more than unpacking it into a bitset.
        long denseCost = _spelledBy is null ? bits.Length : bits.Length / 8;
        if (_doc == -1 && _docsOnly is not null && _postings.Length > 1 && _postings[0].Cost >= denseCost)
        {
            if (_matchCache is { } c && CachedIntoBitSet(c.Cache, c.Key, c.MaxDoc, bits)) return;
            if (DenseIntoBitSet(bits)) return;
        }
        // The lead's documents already set are passed over before the other terms are moved to them: a word that
        // spells the phrase set most of them, and moving a common sub-word's postings there was most of the cost.
        var lead = _postings[0];
        for (int doc = lead.DocId <= _doc ? lead.Advance(_doc + 1) : lead.DocId; doc != NoMoreDocs; doc = lead.NextDoc())
        {
            ulong bit = 1UL << doc;
            if ((bits[doc >> 6] & bit) != 0) continue;
            if (_spelledBy is not null && SpelledAt(doc)) { bits[doc >> 6] |= bit; continue; }
            if (!AtCandidate(doc)) continue;
            if (_slop > 0 ? PhraseFreq() > 0 : OccursOnce()) bits[doc >> 6] |= bit;
        }
        _doc = NoMoreDocs;
    }

    /// <summary>A dense exact phrase counted again on this segment: its own match set, kept on the segment from its
    /// second count on (Lucene's query cache with its usage-tracking policy), is ORed in. False when not cached
    /// (first count) or a term is missing.</summary>
    private bool CachedIntoBitSet(SegmentMatchCache cache, string key, int maxDoc, ulong[] bits)
    {
        if (!cache.TryGet(key, out var hit))
        {
            if (!cache.CountUse(key)) return false;
            var own = new ulong[(maxDoc + 63) >> 6];
            if (!DenseIntoBitSet(own)) return false;
            long count = 0;
            foreach (ulong w in own) count += System.Numerics.BitOperations.PopCount(w);
            cache.Add(key, hit = (own, count));
        }
        var matches = hit.Bits!;
        for (int w = 0; w < matches.Length; w++) bits[w] |= matches[w];
        _doc = NoMoreDocs;
        return true;
    }

    /// <summary>Dense terms: the documents holding every term are intersected as bitsets word by word (as a dense
    /// conjunction counts), those already set are dropped, and positions are read only for the rest, each term's
    /// postings skipping straight to them. False (nothing done) when a term has no postings here.</summary>
    private bool DenseIntoBitSet(ulong[] bits)
    {
        int words = bits.Length;
        var docs = new PostingsEnum[_postings.Length];
        for (int k = 0; k < docs.Length; k++)
            if ((docs[k] = _docsOnly!(_order[k])!) is null) return false;
        // The spelling word's documents are matches: set them first, so no positions are read there.
        if (_spelledBy is not null && _spelledBy.DocId == -1) _spelledBy.IntoBitSet(bits);
        var candidates = ScratchBits.Rent(words);
        var sub = ScratchBits.Rent(words);
        docs[0].IntoBitSet(candidates);
        long left = 0;
        for (int w = 0; w < words; w++) left += System.Numerics.BitOperations.PopCount(candidates[w] &= ~bits[w]);
        // Another term's postings are unpacked only while that is cheaper than checking the candidates left on it.
        for (int k = 1; k < docs.Length && left * VerifyCostInPostings > docs[k].Cost; k++)
        {
            Array.Clear(sub, 0, words);
            docs[k].IntoBitSet(sub);
            left = 0;
            for (int w = 0; w < words; w++) left += System.Numerics.BitOperations.PopCount(candidates[w] &= sub[w]);
        }
        for (int w = 0; w < words; w++)
        {
            ulong rest = candidates[w];
            while (rest != 0)
            {
                int doc = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(rest);
                rest &= rest - 1;
                bool match = _slop > 0
                    ? AtCandidate(doc) && PhraseFreq() > 0
                    : (_postings[0].DocId < doc ? _postings[0].Advance(doc) : _postings[0].DocId) == doc && OccursOnce(doc);
                if (match) bits[w] |= 1UL << doc;
            }
        }
        ScratchBits.Return(candidates);
        ScratchBits.Return(sub);
        _doc = NoMoreDocs;
        return true;
    }

    /// <summary>About how many postings unpacked into a bitset cost what checking one candidate does (skipping every
    /// term's postings to it, reading positions).</summary>
    private const int VerifyCostInPostings = 64;

    /// <summary>Every term's postings moved to <paramref name="doc"/>; false when one of them lacks it.</summary>
    private bool AtCandidate(int doc)
    {
        foreach (var p in _postings)
        {
            int d = p.DocId < doc ? p.Advance(doc) : p.DocId;
            if (d != doc) return false;
        }
        return true;
    }

    /// <summary>Checking positions costs about a term's worth of reading each.</summary>
    public override float MatchCost => _postings.Length;

    /// <summary>Positions every term's postings on the target and checks the phrase there only (a sloppy phrase
    /// over common words would otherwise scan on to its next match).</summary>
    public override bool AdvanceExact(int target)
    {
        _spelled = false;
        for (int k = 0; k < _postings.Length; k++)
        {
            var p = _postings[k];
            int d = p.DocId < target ? p.Advance(target) : p.DocId;
            if (d != target) return false;
            if (k == 0 && _spelledBy is not null && SpelledAt(target)) break;
        }
        _freq = _spelled ? SpelledFreq : _needsScores || _slop > 0 ? PhraseFreq() : (OccursOnce() ? 1 : 0);
        if (_freq <= 0) return false;
        _doc = target;
        return true;
    }

    /// <summary>
    /// Whether the exact phrase occurs at least once in the current document, reading each term's positions only as
    /// far as needed (matching without scores: counting, filters, exclusions). A common term's positions are mostly
    /// left unread once an early occurrence matches, where <see cref="PhraseFreq"/> reads every one.
    /// </summary>
    private bool OccursOnce() => OccursOnce(-1);

    /// <param name="doc">When ≥ 0, the terms after the lead are still to be moved to this document, each only when
    /// its first position is needed (a candidate that fails on an early term never skips the others there).</param>
    private bool OccursOnce(int doc)
    {
        int n = _postings.Length;
        if (n == 1) return _postings[0].Freq > 0;
        Span<int> current = n <= 64 ? stackalloc int[n] : new int[n];
        Span<int> left = n <= 64 ? stackalloc int[n] : new int[n];
        for (int t = 1; t < n; t++)
        {
            left[t] = doc < 0 ? _postings[t].Freq : -1;
            current[t] = int.MinValue;
        }
        var lead = _postings[0];
        for (int k = lead.Freq; k > 0; k--)
        {
            int v = lead.NextPosition() - _offsets[0];
            bool all = true;
            for (int t = 1; t < n; t++)
            {
                if (left[t] < 0)
                {
                    var p = _postings[t];
                    if ((p.DocId < doc ? p.Advance(doc) : p.DocId) != doc) return false;
                    left[t] = p.Freq;
                }
                while (current[t] < v)
                {
                    if (left[t] == 0) return false; // this term has no occurrence at or after v: no later match either
                    left[t]--;
                    current[t] = _postings[t].NextPosition() - _offsets[t];
                }
                if (current[t] != v) { all = false; break; }
            }
            if (all) return true;
        }
        return false;
    }

    /// <summary>Phrase frequency of the current document (sloppy: weighted by distance).</summary>
    internal float Freq => _freq;

    private float PhraseFreq()
    {
        int n = _postings.Length;
        for (int t = 0; t < n; t++)
        {
            var p = _postings[t];
            int freq = p.Freq;
            if (_positions[t].Length < freq) _positions[t] = new int[Math.Max(freq, _positions[t].Length * 2)];
            var buf = _positions[t];
            int off = _offsets[t];
            for (int k = 0; k < freq; k++) buf[k] = p.NextPosition() - off;
            _counts[t] = freq;
        }
        if (n == 1) return _counts[0];
        if (_slop > 0) return SloppyFreq();

        // Intersect the shifted position lists; each is ascending, so one pointer per list suffices.
        Span<int> ptr = n <= 64 ? stackalloc int[n] : new int[n];
        ptr.Clear();
        int matches = 0;
        var lead = _positions[0];
        for (int k = 0; k < _counts[0]; k++)
        {
            int v = lead[k];
            bool all = true;
            for (int t = 1; t < n; t++)
            {
                var buf = _positions[t];
                int c = _counts[t];
                int j = ptr[t];
                while (j < c && buf[j] < v) j++;
                ptr[t] = j;
                if (j == c) return matches;
                if (buf[j] != v) { all = false; break; }
            }
            if (all) matches++;
        }
        return matches;
    }

    /// <summary>
    /// Lucene's sloppy phrase frequency over the shifted position lists (position − offset): the window from the
    /// smallest to the largest current shifted position is the match length; the smallest moves on until it passes
    /// the next smallest (shrinking the window), then a window of length ≤ slop counts 1 / (1 + length).
    /// The lists hold distinct terms' positions; a term repeated in the phrase may reuse one occurrence.
    /// </summary>
    private float SloppyFreq()
    {
        int n = _postings.Length;
        Span<int> ptr = n <= 64 ? stackalloc int[n] : new int[n];
        ptr.Clear();
        int end = int.MinValue;
        for (int t = 0; t < n; t++) end = Math.Max(end, _positions[t][0]);
        float freq = 0;
        int pp = MinList(ptr, out int next);
        int matchLength = end - _positions[pp][ptr[pp]];
        while (++ptr[pp] < _counts[pp])
        {
            int pos = _positions[pp][ptr[pp]];
            if (pos > end) end = pos;
            if (pos > next)
            {
                if (matchLength <= _slop) freq += 1f / (1 + matchLength);
                pp = MinList(ptr, out next);
                matchLength = end - _positions[pp][ptr[pp]];
            }
            else
            {
                matchLength = Math.Min(matchLength, end - pos);
            }
        }
        if (matchLength <= _slop) freq += 1f / (1 + matchLength);
        return freq;
    }

    /// <summary>The list whose current position is smallest, and the second smallest current position.</summary>
    private int MinList(Span<int> ptr, out int second)
    {
        int best = -1, bestPos = int.MaxValue;
        second = int.MaxValue;
        for (int t = 0; t < _postings.Length; t++)
        {
            int p = _positions[t][ptr[t]];
            if (p < bestPos) { second = bestPos; bestPos = p; best = t; }
            else if (p < second) second = p;
        }
        return best;
    }

    public override float Score() =>
        _needsScores ? _sim.Score(_freq, _lengths.Get(_doc)) : 0f;

    public override float ScoreUpperBound() => _needsScores ? _sim.UpperBound(_freq) : 0f;

    public override void PrefetchLengthsAt(int doc)
    {
        if (_needsScores) _lengths.Prefetch(doc);
    }

    public override float MaxScore => _needsScores ? Loosen(_sim.Weight) : 0f;
}
