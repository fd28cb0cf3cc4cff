using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>
/// A query (Lucene's Query): immutable description of what to match. <see cref="CreateWeight"/> binds it to a
/// snapshot (collection statistics), and the weight makes one <see cref="Scorer"/> per segment.
/// </summary>
public abstract class Query
{
    /// <summary>Binds the query to a searcher's snapshot. <paramref name="boost"/> multiplies every score.</summary>
    public abstract Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost);

    /// <summary>Lucene-like rendering, for tools, logs and tests.</summary>
    public abstract override string ToString();

    /// <summary>Calls <paramref name="visit"/> for this query and every sub-query that may contribute matches
    /// (prohibited clauses are skipped), e.g. to collect terms to highlight.</summary>
    public virtual void Visit(Action<Query> visit) => visit(this);
}

/// <summary>A query bound to a snapshot (Lucene's Weight); thread-safe, makes per-segment scorers.</summary>
public abstract class Weight
{
    /// <summary>A scorer over the segment, or null when nothing in the segment can match.</summary>
    public abstract Scorer? GetScorer(LeafReader leaf);

    /// <summary>How <paramref name="doc"/> of the segment scores (Lucene's Weight.explain): the value equals the
    /// score the scorer gives it. This default reports the score without a breakdown.</summary>
    public virtual Explanation Explain(LeafReader leaf, int doc)
    {
        var scorer = GetScorer(leaf);
        if (scorer is null || scorer.Advance(doc) != doc) return Explanation.NoMatch(Describe());
        return new Explanation(true, scorer.Score(), Describe(), []);
    }

    /// <summary>What the weight matches, for explanations.</summary>
    protected virtual string Describe() => GetType().Name;

    /// <summary>
    /// Adds the weights whose scores this weight's score sums (itself when it is not a boolean), so a collector can
    /// bound a document's score by the bounds of the parts it matches (MaxScore over a whole query tree). Returns
    /// whether every document this weight matches also matches one of the parts added (a boolean whose only required
    /// clause is a filter matches documents no scoring part does).
    /// </summary>
    internal virtual bool AddScoringParts(List<Weight> parts)
    {
        parts.Add(this);
        return true;
    }
}

/// <summary>A score breakdown (Lucene's Explanation): a value, what it is, and the values it is made of.</summary>
public sealed record Explanation(bool Match, float Value, string Description, IReadOnlyList<Explanation> Details)
{
    public static Explanation NoMatch(string description) => new(false, 0f, "no match: " + description, []);

    public static Explanation Leaf(float value, string description) => new(true, value, description, []);

    /// <summary>An indented rendering, one node a line.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        Append(sb, 0);
        return sb.ToString();
    }

    private void Append(System.Text.StringBuilder sb, int depth)
    {
        sb.Append(' ', depth * 2).Append(Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture))
            .Append(" = ").Append(Description).Append('\n');
        foreach (var d in Details) d.Append(sb, depth + 1);
    }
}

/// <summary>
/// Iterates matching documents of one segment in increasing order and scores them (Lucene's Scorer +
/// DocIdSetIterator). <see cref="DocId"/> is -1 before the first call and <see cref="NoMoreDocs"/> at the end.
/// Scorers are single-threaded and are driven either by <see cref="NextDoc"/> or by <see cref="Advance"/>.
/// </summary>
public abstract class Scorer
{
    public const int NoMoreDocs = PostingsEnum.NoMoreDocs;

    public abstract int DocId { get; }

    public abstract int NextDoc();

    /// <summary>Moves to the first match &gt;= target (target &gt; DocId) and returns it.</summary>
    public abstract int Advance(int target);

    /// <summary>Score of the current document.</summary>
    public abstract float Score();

    /// <summary>
    /// An upper bound of <see cref="Score"/> for the current document that is cheaper to compute (BM25 without the
    /// field length). The collector skips exact scoring when the bound cannot beat its weakest kept hit.
    /// Must be called before <see cref="Score"/> for the same document, if at all.
    /// </summary>
    public virtual float ScoreUpperBound() => float.PositiveInfinity;

    /// <summary>A hint that this scorer drives a walk and is scored on most documents it lands on: its field lengths
    /// are then fetched into the cache a few postings ahead (at 1M documents each length read is otherwise a cache
    /// miss the walk waits for). No effect on matches or scores; default: nothing.</summary>
    public virtual void PrefetchLengths() { }

    /// <summary>A hint that <see cref="Score"/> may soon be asked on <paramref name="doc"/>: its field lengths are
    /// fetched into the cache. No effect on matches or scores; default: nothing.</summary>
    public virtual void PrefetchLengthsAt(int doc) { }

    /// <summary>Whether <paramref name="target"/> (&gt; DocId, increasing between calls) matches; when true the
    /// scorer is on it and <see cref="Score"/> may be called. Unlike <see cref="Advance"/> it never looks past the
    /// target, so checking a few given documents (rescoring) costs only those documents. After false, DocId is
    /// unspecified (but &lt; the next target or past it) and only AdvanceExact may follow.</summary>
    public virtual bool AdvanceExact(int target) => (DocId < target ? Advance(target) : DocId) == target;

    /// <summary>What confirming a document costs beyond walking doc ids (Lucene's TwoPhaseIterator.matchCost):
    /// 0 for postings, about the number of terms whose positions a phrase reads. Unions count their cheap
    /// clauses first.</summary>
    public virtual float MatchCost => 0f;

    /// <summary>Upper bound of the number of matches: conjunctions lead with the cheapest clause.</summary>
    public abstract long Cost { get; }

    /// <summary>An upper bound of <see cref="Score"/> over every document of the segment (+∞ when unknown); leaf
    /// bounds are slightly loosened (<see cref="Loosen"/>) so float rounding in sums never makes a bound too tight.</summary>
    public virtual float MaxScore => float.PositiveInfinity;

    /// <summary>An upper bound of <see cref="Score"/> on <paramref name="doc"/> (&gt;= DocId when the scorer has matched
    /// before; increasing between calls), possibly tighter than <see cref="MaxScore"/> and found without moving to
    /// it: a term reads the bound of the postings block holding it from the skip data. Default: MaxScore.</summary>
    public virtual float ScoreBoundAt(int doc) => MaxScore;

    /// <summary>An upper bound of <see cref="Score"/> over the documents from <paramref name="target"/> (increasing
    /// between calls) to <paramref name="upTo"/>, found without moving there: a term's postings block holding the
    /// target (Lucene's impacts). Default: MaxScore up to <see cref="NoMoreDocs"/>.</summary>
    public virtual float BlockBound(int target, out int upTo)
    {
        upTo = NoMoreDocs;
        return MaxScore;
    }

    /// <summary>
    /// The collector keeps only documents scoring at least <paramref name="minScore"/> from now on (a tie can still
    /// win on the article id), so the scorer may skip documents that surely score less (MaxScore: a disjunction
    /// stops iterating clauses whose bounds together stay below it). Returns true when matches may be skipped
    /// from now on, so the collector must count total hits in a separate pass. Values only increase.
    /// </summary>
    public virtual bool SetMinCompetitiveScore(float minScore) => false;

    /// <summary>Sets bit d of <paramref name="bits"/> (word d &gt;&gt; 6) for every match d that <see cref="NextDoc"/>
    /// would still return and leaves the scorer exhausted: counting and facets without scoring. Overrides union
    /// postings straight into the bitset.</summary>
    public virtual void IntoBitSet(ulong[] bits)
    {
        for (int d = NextDoc(); d != NoMoreDocs; d = NextDoc()) bits[d >> 6] |= 1UL << d;
    }

    /// <summary>
    /// <see cref="Score"/> when the current document can reach <paramref name="minScore"/>; otherwise any value below
    /// it (−∞), possibly without computing the parts that could not lift it there (a MaxScore disjunction does not
    /// advance its lazy clauses then). The exact value is the same float <see cref="Score"/> returns.
    /// </summary>
    public virtual float ScoreIfCompetitive(float minScore) => Score();

    /// <summary>A leaf's score bound made a little larger than the exact bound (relative 1e-4).</summary>
    protected internal static float Loosen(float bound) => bound * 1.0001f + 1e-6f;

    /// <summary>The match cost of a conjunction or union of scorers.</summary>
    protected static float SumOfMatchCosts(Scorer[] scorers)
    {
        float sum = 0;
        foreach (var s in scorers) sum += s.MatchCost;
        return sum;
    }

    /// <summary>The bound of a sum of scorers' scores.</summary>
    protected static float SumOfMaxScores(Scorer[] scorers)
    {
        float sum = 0;
        foreach (var s in scorers) sum += s.MaxScore;
        return sum;
    }
}

/// <summary>Multiplies the wrapped query's scores (the parser's <c>^2</c>).</summary>
public sealed class BoostQuery(Query query, float boost) : Query
{
    public Query Query { get; } = query;

    public float Boost { get; } = boost;

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) =>
        Query.CreateWeight(searcher, needsScores, boost * Boost);

    public override void Visit(Action<Query> visit) { visit(this); Query.Visit(visit); }

    public override string ToString() =>
        Query is BooleanQuery ? $"({Query})^{Fmt(Boost)}" : $"{Query}^{Fmt(Boost)}";

    internal static string Fmt(float f) => f.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Matches nothing: what a query becomes when analysis leaves no terms (e.g. only stop words).</summary>
public sealed class MatchNoDocsQuery : Query
{
    public static readonly MatchNoDocsQuery Instance = new();

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) => NoWeight.Instance;

    public override string ToString() => "MatchNoDocs";

    private sealed class NoWeight : Weight
    {
        public static readonly NoWeight Instance = new();
        public override Scorer? GetScorer(LeafReader leaf) => null;
    }
}

/// <summary>Matches every document with a constant score (base of purely negative queries).</summary>
public sealed class MatchAllDocsQuery : Query
{
    public static readonly MatchAllDocsQuery Instance = new();

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) => new AllWeight(boost);

    public override string ToString() => "*:*";


    private sealed class AllWeight(float boost) : Weight
    {
        public override Scorer? GetScorer(LeafReader leaf) =>
            leaf.MaxDoc == 0 ? null : new RangeScorer(leaf.MaxDoc, boost);
    }

    private sealed class RangeScorer(int maxDoc, float score) : Scorer
    {
        private int _doc = -1;
        public override int DocId => _doc;
        public override int NextDoc() => _doc = _doc + 1 < maxDoc ? _doc + 1 : NoMoreDocs;
        public override int Advance(int target) => _doc = target < maxDoc ? target : NoMoreDocs;
        public override float Score() => score;
        public override float ScoreUpperBound() => score;
        public override float MaxScore => score;
        public override long Cost => maxDoc;
    }
}
