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
        return new BooleanWeight(weights, MinimumShouldMatch, this);
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

    private sealed class BooleanWeight((Weight Weight, Occur Occur)[] clauses, int minimumShouldMatch, BooleanQuery query) : Weight
    {
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
                        if (s is not null) (optional ??= []).Add(s);
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

    public override int DocId => _doc;

    public override long Cost => _subs[0].Cost;

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
}

/// <summary>
/// Union of a few scorers with an optional minimum number of matching clauses. The clause counts here are small
/// (a handful of fields per word), so a linear scan over the current docs beats a heap.
/// </summary>
internal sealed class DisjunctionScorer : Scorer
{
    private readonly Scorer[] _subs;
    private readonly int _minimumShouldMatch;
    private int _doc = -1;

    public DisjunctionScorer(IEnumerable<Scorer> subs, int minimumShouldMatch)
    {
        _subs = subs.ToArray();
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
        var subs = _subs;
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

    public override float Score()
    {
        float sum = 0;
        foreach (var s in _subs)
            if (s.DocId == _doc) sum += s.Score();
        return sum;
    }

    public override float ScoreUpperBound()
    {
        float sum = 0;
        foreach (var s in _subs)
            if (s.DocId == _doc) sum += s.ScoreUpperBound();
        return sum;
    }
}

/// <summary>Required matches, minus documents the excluded scorer matches.</summary>
internal sealed class ReqExclScorer(Scorer required, Scorer excluded) : Scorer
{
    public override int DocId => required.DocId;

    public override long Cost => required.Cost;

    public override int NextDoc() => Skip(required.NextDoc());

    public override int Advance(int target) => Skip(required.Advance(target));

    private int Skip(int doc)
    {
        while (doc != NoMoreDocs)
        {
            int e = excluded.DocId;
            if (e < doc) e = excluded.Advance(doc);
            if (e != doc) return doc;
            doc = required.NextDoc();
        }
        return doc;
    }

    public override float Score() => required.Score();

    public override float ScoreUpperBound() => required.ScoreUpperBound();
}

/// <summary>Required matches; an optional scorer adds its score where it also matches.</summary>
internal sealed class ReqOptScorer(Scorer required, Scorer optional) : Scorer
{
    public override int DocId => required.DocId;

    public override long Cost => required.Cost;

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

    private bool OptionalOn(int doc)
    {
        int o = optional.DocId;
        if (o < doc) o = optional.Advance(doc);
        return o == doc;
    }
}
