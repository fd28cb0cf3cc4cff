using System.Buffers;
using System.Text;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

public enum Occur
{
    /// <summary>Must match and contributes to the score (<c>+a</c>, and every word under the default AND).</summary>
    Must,
    /// <summary>Optional: adds to the score; when there is no required clause at least one must match.</summary>
    Should,
    /// <summary>Must not match (<c>-a</c>, <c>NOT a</c>).</summary>
    MustNot,
    /// <summary>Must match but does not score (field and date filters).</summary>
    Filter,
}

public readonly record struct BooleanClause(Query Query, Occur Occur);

/// <summary>
/// Lucene's BooleanQuery. Scores are summed over matching scoring clauses. With no Must/Filter clause at least
/// max(1, <see cref="MinimumShouldMatch"/>) Should clauses must match; a query of only MustNot clauses
/// matches nothing (the parser adds a match-all clause for "everything except").
/// </summary>
public sealed class BooleanQuery(IReadOnlyList<BooleanClause> clauses, int minimumShouldMatch = 0) : Query
{
    public IReadOnlyList<BooleanClause> Clauses { get; } = clauses;

    public int MinimumShouldMatch { get; } = minimumShouldMatch;

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost)
    {
        var weights = new (Weight Weight, Occur Occur)[Clauses.Count];
        for (int i = 0; i < Clauses.Count; i++)
        {
            var c = Clauses[i];
            bool scores = needsScores && c.Occur is Occur.Must or Occur.Should;
            weights[i] = (c.Query.CreateWeight(searcher, scores, boost), c.Occur);
        }
        return new BooleanWeight(weights, MinimumShouldMatch, this, needsScores);
    }

    public override void Visit(Action<Query> visit)
    {
        visit(this);
        foreach (var c in Clauses)
            if (c.Occur != Occur.MustNot) c.Query.Visit(visit);
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var c in Clauses)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(c.Occur switch { Occur.Must => "+", Occur.MustNot => "-", Occur.Filter => "#", _ => "" });
            sb.Append(c.Query is BooleanQuery ? $"({c.Query})" : c.Query.ToString());
        }
        if (MinimumShouldMatch > 0) sb.Append('~').Append(MinimumShouldMatch);
        return sb.ToString();
    }

    private sealed class BooleanWeight((Weight Weight, Occur Occur)[] clauses, int minimumShouldMatch, BooleanQuery query,
        bool needsScores) : Weight
    {
        private readonly bool _hasRequired = Array.Exists(clauses, c => c.Occur is Occur.Must or Occur.Filter);

        public override Explanation Explain(LeafReader leaf, int doc)
        {
            var scorer = GetScorer(leaf);
            if (scorer is null || scorer.Advance(doc) != doc) return Explanation.NoMatch(query.ToString());
            var details = new List<Explanation>();
            foreach (var (weight, occur) in clauses)
            {
                if (occur is Occur.MustNot or Occur.Filter) continue;
                var e = weight.Explain(leaf, doc);
                if (!e.Match) continue;
                details.Add(e);
            }
            // The scorer's own value is what ranked the hit; the details say where it came from. A single scoring
            // clause (a group around one word) is shown as itself.
            float score = scorer.Score();
            if (details.Count == 1 && Math.Abs(details[0].Value - score) <= 1e-6f * Math.Max(1f, score)) return details[0];
            return new Explanation(true, score, $"sum of {details.Count} matching clauses", details);
        }

        public override Scorer? GetScorer(LeafReader leaf)
        {
            List<Scorer>? required = null, optional = null, prohibited = null;
            foreach (var (weight, occur) in clauses)
            {
                var s = weight.GetScorer(leaf);
                switch (occur)
                {
                    case Occur.Must:
                        if (s is null) return null;
                        (required ??= []).Add(s);
                        break;
                    case Occur.Filter:
                        if (s is null) return null;
                        (required ??= []).Add(s is ConstantScorer ? s : new ConstantScorer(s, 0f));
                        break;
                    case Occur.Should:
                        // Without scores an optional clause beside a required one changes nothing.
                        if (s is not null && (needsScores || minimumShouldMatch > 0 || !_hasRequired)) (optional ??= []).Add(s);
                        break;
                    case Occur.MustNot:
                        if (s is not null) (prohibited ??= []).Add(s);
                        break;
                }
            }

            int optionalCount = optional?.Count ?? 0;
            int msm = required is null ? Math.Max(1, minimumShouldMatch) : minimumShouldMatch;
            if (optionalCount < msm) return null;

            Scorer main;
            if (required is not null)
            {
                if (msm > 0) required.Add(Disjunction(optional!, msm));
                main = required.Count == 1 ? required[0] : new ConjunctionScorer(required);
                if (msm == 0 && optionalCount > 0) main = new ReqOptScorer(main, Disjunction(optional!, 1));
            }
            else if (optional is not null)
            {
                main = Disjunction(optional, msm);
            }
            else
            {
                return null;
            }

            if (prohibited is not null) main = new ReqExclScorer(main, Disjunction(prohibited, 1));
            return main;
        }

        /// <summary>A boolean's score is the sum of its matching scoring clauses (required, optional); filters and
        /// exclusions add nothing. A document's score is thus at most the sum of the bounds of the parts it matches.</summary>
        internal override bool AddScoringParts(List<Weight> parts)
        {
            bool requiredCovered = false, shouldCovered = true;
            int shoulds = 0;
            foreach (var (weight, occur) in clauses)
            {
                if (occur == Occur.Must) requiredCovered |= weight.AddScoringParts(parts);
                else if (occur == Occur.Should)
                {
                    shoulds++;
                    shouldCovered &= weight.AddScoringParts(parts);
                }
            }
            // A match matches every required clause, or (none required) at least one optional one.
            return _hasRequired ? requiredCovered || (minimumShouldMatch > 0 && shoulds > 0 && shouldCovered)
                : shoulds > 0 && shouldCovered;
        }

        private static Scorer Disjunction(List<Scorer> scorers, int msm)
        {
            if (scorers.Count == 1 && msm <= 1) return scorers[0];
            // Prefix clauses only (a single Han character over title.cjk and body.cjk): OR the bitsets word by word.
            if (msm <= 1 && scorers.TrueForAll(s => s is BitSetScorer))
                return new BitSetUnionScorer(scorers.ConvertAll(s => (BitSetScorer)s).ToArray());
            return new DisjunctionScorer(scorers, msm);
        }
    }
}

/// <summary>Leapfrog intersection: the cheapest clause leads, the others Advance to its doc.</summary>
internal sealed class ConjunctionScorer : Scorer
{
    private readonly Scorer[] _subs;
    private int _doc = -1;

    public ConjunctionScorer(IEnumerable<Scorer> subs)
    {
        _subs = subs.OrderBy(s => s.Cost).ToArray();
    }

    public override void PrefetchLengthsAt(int doc)
    {
        foreach (var s in _subs) s.PrefetchLengthsAt(doc);
    }

    public override int DocId => _doc;

    public override long Cost => _subs[0].Cost;

    public override float MatchCost => SumOfMatchCosts(_subs);

    public override int NextDoc() => DoNext(_subs[0].NextDoc());

    public override int Advance(int target) => DoNext(_subs[0].Advance(target));

    private int DoNext(int doc)
    {
        var subs = _subs;
        while (doc != NoMoreDocs)
        {
            int i = 1;
            for (; i < subs.Length; i++)
            {
                var s = subs[i];
                int d = s.DocId < doc ? s.Advance(doc) : s.DocId;
                if (d != doc)
                {
                    doc = d == NoMoreDocs ? NoMoreDocs : subs[0].Advance(d);
                    break;
                }
            }
            if (i == subs.Length) return _doc = doc;
        }
        return _doc = NoMoreDocs;
    }

    public override float Score()
    {
        float sum = 0;
        foreach (var s in _subs) sum += s.Score();
        return sum;
    }

    public override float ScoreUpperBound()
    {
        float sum = 0;
        foreach (var s in _subs) sum += s.ScoreUpperBound();
        return sum;
    }

    public override float ScoreIfCompetitive(float minScore)
    {
        float max = MaxScore;
        if (float.IsInfinity(max)) return Score();
        // Same additions in the same order as Score, so an exact result is the same float.
        float sum = 0;
        foreach (var s in _subs)
        {
            float need = minScore - Loosen(max - s.MaxScore);
            float v = need > 0 ? s.ScoreIfCompetitive(need) : s.Score();
            if (v < need) return float.NegativeInfinity;
            sum += v;
        }
        return sum;
    }

    /// <summary>Checks each clause on the target only (a rescore or a MaxScore candidate), never leapfrogging past it.</summary>
    public override bool AdvanceExact(int target)
    {
        foreach (var s in _subs)
            if (!s.AdvanceExact(target)) return false;
        _doc = target;
        return true;
    }

    public override float MaxScore => SumOfMaxScores(_subs);

    /// <summary>Each clause must reach what the others cannot make up: minScore − the sum of their bounds.</summary>
    public override bool SetMinCompetitiveScore(float minScore)
    {
        float sum = MaxScore;
        if (float.IsInfinity(sum)) return false;
        bool skips = false;
        foreach (var s in _subs)
        {
            float rest = Loosen(sum - s.MaxScore);
            if (minScore - rest > 0) skips |= s.SetMinCompetitiveScore(minScore - rest);
        }
        return skips;
    }

    private static long PopCount(ulong[] bits, int words)
    {
        long n = 0;
        for (int w = 0; w < words; w++) n += System.Numerics.BitOperations.PopCount(bits[w]);
        return n;
    }

    /// <summary>Whether <see cref="IntoBitSet"/> over a segment of <paramref name="words"/> bitset words intersects
    /// bitsets (every clause matches at least 1/64 of it) rather than leapfrogging.</summary>
    public bool IntersectsAsBitsets(int words) => _doc == -1 && _subs[0].Cost >= ((long)words << 6) / 64;

    /// <summary>Dense clauses (each matching more than 1/64 of the segment) are intersected as bitsets word by
    /// word; otherwise the cheapest clause leads as in <see cref="NextDoc"/>.</summary>
    public override void IntoBitSet(ulong[] bits)
    {
        if (!IntersectsAsBitsets(bits.Length))
        {
            base.IntoBitSet(bits);
            return;
        }
        var own = ScratchBits.Rent(bits.Length);
        var sub = ScratchBits.Rent(bits.Length);
        _subs[0].IntoBitSet(own);
        // Stop once nothing is left: the other clauses' postings need not be read.
        long left = PopCount(own, bits.Length);
        for (int i = 1; i < _subs.Length && left > 0; i++)
        {
            Array.Clear(sub, 0, bits.Length);
            _subs[i].IntoBitSet(sub);
            left = 0;
            for (int w = 0; w < bits.Length; w++) left += System.Numerics.BitOperations.PopCount(own[w] &= sub[w]);
        }
        for (int w = 0; w < bits.Length; w++) bits[w] |= own[w];
        ScratchBits.Return(own);
        ScratchBits.Return(sub);
        _doc = NoMoreDocs;
    }
}

/// <summary>
/// Union of a few scorers with an optional minimum number of matching clauses. The clause counts here are small
/// (a handful of fields per word), so a linear scan over the current docs beats a heap. Once the collector's
/// weakest kept score rises, MaxScore (Turtle and Flood) applies: the clauses with the lowest bounds whose bounds
/// together stay below it no longer drive the iteration (a doc only they match cannot compete); they are advanced
/// lazily to the docs the others find, to add their scores.
/// </summary>
internal sealed class DisjunctionScorer : Scorer
{
    private readonly Scorer[] _subs;
    private readonly int _minimumShouldMatch;
    private Scorer[] _driving;         // clauses that find candidates (all, until MaxScore leaves some out)
    private Scorer[] _lazy = [];       // clauses only scored on the candidates
    private float _lazyMax;
    private Scorer[]? _byMax;          // clauses by MaxScore ascending (made on the first bound)
    private float[]? _bounds;
    private bool[]? _isLazy;           // by position in _subs
    private bool _exhausted;
    private int _doc = -1;
    // Reached by AdvanceExact: which clauses match _doc, lazy ones checked only when the score is needed (a
    // clause's Advance would scan on to its next match: for a phrase, positions of every candidate on the way).
    private bool _exact;
    private bool[]? _matched;
    private bool _lazyPending;

    public override void PrefetchLengthsAt(int doc)
    {
        foreach (var s in _subs) s.PrefetchLengthsAt(doc);
    }

    public DisjunctionScorer(IEnumerable<Scorer> subs, int minimumShouldMatch)
    {
        _subs = subs.ToArray();
        _driving = _subs;
        _minimumShouldMatch = Math.Max(1, minimumShouldMatch);
        long cost = 0;
        foreach (var s in _subs) cost += s.Cost;
        Cost = cost;
    }

    public override int DocId => _doc;

    public override long Cost { get; }

    public override int NextDoc() => Advance(_doc + 1);

    public override int Advance(int target)
    {
        _exact = false;
        if (_exhausted) return _doc = NoMoreDocs;
        var subs = _driving;
        while (true)
        {
            int min = NoMoreDocs, count = 0;
            for (int i = 0; i < subs.Length; i++)
            {
                var s = subs[i];
                int d = s.DocId;
                if (d < target) d = d == target - 1 ? s.NextDoc() : s.Advance(target);
                if (d < min) { min = d; count = 1; }
                else if (d == min) count++;
            }
            if (min == NoMoreDocs) return _doc = NoMoreDocs;
            if (count >= _minimumShouldMatch) return _doc = min;
            target = min + 1;
        }
    }

    /// <summary>Checks each driving clause on the target only; lazy clauses wait for <see cref="Score"/> (alone
    /// they cannot make a document competitive, as in <see cref="Advance"/>).</summary>
    public override bool AdvanceExact(int target)
    {
        if (_exhausted) return false;
        var matched = _matched ??= new bool[_subs.Length];
        int count = 0;
        bool lazy = false;
        for (int i = 0; i < _subs.Length; i++)
        {
            if (_isLazy is not null && _isLazy[i]) { matched[i] = false; lazy = true; continue; }
            if (matched[i] = _subs[i].AdvanceExact(target)) count++;
        }
        if (count == 0 || count < _minimumShouldMatch) return false;
        _exact = true;
        _lazyPending = lazy;
        _doc = target;
        return true;
    }

    private void CheckLazy()
    {
        _lazyPending = false;
        for (int i = 0; i < _subs.Length; i++)
            if (_isLazy![i]) _matched![i] = _subs[i].AdvanceExact(_doc);
    }

    public override float Score()
    {
        // In clause order whatever drives, so a document scores the same float before and after pruning starts.
        float sum = 0;
        var subs = _subs;
        if (_exact)
        {
            if (_lazyPending) CheckLazy();
            for (int i = 0; i < subs.Length; i++)
                if (_matched![i]) sum += subs[i].Score();
            return sum;
        }
        if (_lazy.Length == 0)
        {
            foreach (var s in subs)
                if (s.DocId == _doc) sum += s.Score();
            return sum;
        }
        for (int i = 0; i < subs.Length; i++)
        {
            var s = subs[i];
            int d = s.DocId;
            if (d < _doc && _isLazy![i]) d = s.Advance(_doc);
            if (d == _doc) sum += s.Score();
        }
        return sum;
    }

    /// <summary>The driving clauses' exact scores plus the lazy clauses' bounds first: most candidates stop there,
    /// without advancing the lazy clauses.</summary>
    public override float ScoreIfCompetitive(float minScore)
    {
        if (_lazy.Length == 0) return Score();
        float driving = 0;
        if (_exact)
        {
            if (!_lazyPending) return Score();
            for (int i = 0; i < _subs.Length; i++)
                if (_matched![i]) driving += _subs[i].Score();
            if (driving + Loosen(_lazyMax) < minScore) return float.NegativeInfinity;
            return Score();
        }
        foreach (var s in _driving)
            if (s.DocId == _doc) driving += s.Score();
        if (driving + Loosen(_lazyMax) < minScore) return float.NegativeInfinity;
        return Score();
    }

    public override float ScoreUpperBound()
    {
        if (_exact)
        {
            float bound = _lazyPending ? _lazyMax : 0;
            for (int i = 0; i < _subs.Length; i++)
                if (_matched![i]) bound += _subs[i].ScoreUpperBound();
            return bound;
        }
        float sum = _lazyMax;
        foreach (var s in _driving)
            if (s.DocId == _doc) sum += s.ScoreUpperBound();
        return sum;
    }

    public override float MaxScore => SumOfMaxScores(_subs);

    public override float MatchCost => SumOfMatchCosts(_subs);

    public override bool SetMinCompetitiveScore(float minScore)
    {
        if (_minimumShouldMatch > 1 || _exhausted) return false;
        if (_byMax is null)
        {
            // Clauses by bound ascending, once: the longest prefix whose bounds sum below minScore stops driving.
            _byMax = (Scorer[])_subs.Clone();
            _bounds = new float[_byMax.Length];
            for (int i = 0; i < _bounds.Length; i++) _bounds[i] = _byMax[i].MaxScore;
            Array.Sort(_bounds, _byMax);
        }
        var bounds = _bounds!;
        float prefix = 0;
        int lazy = 0;
        while (lazy < bounds.Length && Loosen(prefix + bounds[lazy]) < minScore) prefix += bounds[lazy++];
        if (lazy == bounds.Length)
        {
            _exhausted = true;
            return true;
        }
        if (lazy > _lazy.Length)
        {
            _lazy = _byMax[..lazy];
            _driving = _byMax[lazy..];
            _lazyMax = prefix;
            _isLazy ??= new bool[_subs.Length];
            for (int i = 0; i < _subs.Length; i++) _isLazy[i] = Array.IndexOf(_lazy, _subs[i]) >= 0;
        }
        bool skips = _lazy.Length > 0;
        // A single driving clause must reach what the lazy ones cannot make up.
        if (_driving.Length == 1 && minScore - Loosen(_lazyMax) > 0)
            skips |= _driving[0].SetMinCompetitiveScore(minScore - Loosen(_lazyMax));
        return skips;
    }

    public override void IntoBitSet(ulong[] bits)
    {
        if (_doc != -1 || _minimumShouldMatch > 1)
        {
            base.IntoBitSet(bits);
            return;
        }
        // Clauses that need no verification first: a phrase then skips the candidates they already set.
        Scorer[] subs = _subs;
        if (SumOfMatchCosts(subs) > 0)
        {
            subs = (Scorer[])subs.Clone();
            var costs = new float[subs.Length];
            for (int i = 0; i < costs.Length; i++) costs[i] = subs[i].MatchCost;
            Array.Sort(costs, subs);
        }
        foreach (var s in subs) s.IntoBitSet(bits);
        _doc = NoMoreDocs;
    }
}

/// <summary>Required matches, minus documents the excluded scorer matches.</summary>
internal sealed class ReqExclScorer(Scorer required, Scorer excluded) : Scorer
{
    public override int DocId => required.DocId;

    public override void PrefetchLengthsAt(int doc) => required.PrefetchLengthsAt(doc);

    public override long Cost => required.Cost;

    public override float MatchCost => required.MatchCost + excluded.MatchCost;

    public override int NextDoc() => Skip(required.NextDoc());

    public override int Advance(int target) => Skip(required.Advance(target));

    private int Skip(int doc)
    {
        while (doc != NoMoreDocs)
        {
            if (!excluded.AdvanceExact(doc)) return doc;
            doc = required.NextDoc();
        }
        return doc;
    }

    // The excluded clause is only ever checked on the required clause's documents (increasing), never scanned
    // ahead (an excluded phrase would read positions of its candidates on the way).
    public override bool AdvanceExact(int target) => required.AdvanceExact(target) && !excluded.AdvanceExact(target);

    public override float Score() => required.Score();

    public override float ScoreUpperBound() => required.ScoreUpperBound();

    public override float MaxScore => required.MaxScore;

    public override bool SetMinCompetitiveScore(float minScore) => required.SetMinCompetitiveScore(minScore);

    public override float ScoreIfCompetitive(float minScore) => required.ScoreIfCompetitive(minScore);

    public override void IntoBitSet(ulong[] bits)
    {
        if (required.DocId != -1 || excluded.DocId != -1)
        {
            base.IntoBitSet(bits);
            return;
        }
        var own = ScratchBits.Rent(bits.Length);
        var not = ScratchBits.Rent(bits.Length);
        required.IntoBitSet(own);
        excluded.IntoBitSet(not);
        for (int w = 0; w < bits.Length; w++) bits[w] |= own[w] & ~not[w];
        ScratchBits.Return(own);
        ScratchBits.Return(not);
    }
}

/// <summary>Required matches; an optional scorer adds its score where it also matches.</summary>
internal sealed class ReqOptScorer(Scorer required, Scorer optional) : Scorer
{
    public override int DocId => required.DocId;

    public override void PrefetchLengthsAt(int doc)
    {
        required.PrefetchLengthsAt(doc);
        optional.PrefetchLengthsAt(doc);
    }

    public override long Cost => required.Cost;

    public override float MatchCost => required.MatchCost;

    public override int NextDoc() => required.NextDoc();

    public override int Advance(int target) => required.Advance(target);

    public override float Score()
    {
        int doc = required.DocId;
        float score = required.Score();
        return OptionalOn(doc) ? score + optional.Score() : score;
    }

    public override float ScoreUpperBound()
    {
        int doc = required.DocId;
        float bound = required.ScoreUpperBound();
        return OptionalOn(doc) ? bound + optional.ScoreUpperBound() : bound;
    }

    public override float MaxScore => required.MaxScore + optional.MaxScore;

    public override bool SetMinCompetitiveScore(float minScore)
    {
        float rest = Loosen(optional.MaxScore);
        return !float.IsInfinity(rest) && minScore - rest > 0 && required.SetMinCompetitiveScore(minScore - rest);
    }

    public override void IntoBitSet(ulong[] bits) => required.IntoBitSet(bits);

    public override float ScoreIfCompetitive(float minScore)
    {
        float optMax = optional.MaxScore;
        if (float.IsInfinity(optMax)) return Score();
        float need = minScore - Loosen(optMax);
        if (need <= 0) return Score();
        float score = required.ScoreIfCompetitive(need);
        if (score < need) return float.NegativeInfinity;
        return OptionalOn(required.DocId) ? score + optional.Score() : score;
    }

    public override bool AdvanceExact(int target) => required.AdvanceExact(target);

    // Checked on the required clause's documents only, once each (an optional phrase is never scanned ahead).
    private int _optionalDoc = -1;
    private bool _optionalOn;

    private bool OptionalOn(int doc)
    {
        if (doc != _optionalDoc)
        {
            _optionalDoc = doc;
            _optionalOn = optional.AdvanceExact(doc);
        }
        return _optionalOn;
    }
}

/// <summary>Pooled, cleared bitsets for intersecting and subtracting clauses while counting (an exception on the
/// way merely leaves an array to the garbage collector).</summary>
internal static class ScratchBits
{
    public static ulong[] Rent(int words)
    {
        var bits = ArrayPool<ulong>.Shared.Rent(words);
        Array.Clear(bits, 0, words);
        return bits;
    }

    public static void Return(ulong[] bits) => ArrayPool<ulong>.Shared.Return(bits);
}
