using System.Text;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>
/// An exact phrase: terms at explicit relative positions (Lucene's PhraseQuery.Builder.add(term, position)).
/// Positions come from the query analyzer, so stacked tokens and holes left by stop words keep their meaning.
/// Scored with BM25 where tf is the number of phrase occurrences and idf is the sum of the terms' idfs.
/// </summary>
public sealed class PhraseQuery : Query
{
    public PhraseQuery(string field, IReadOnlyList<(string Term, int Position)> terms)
    {
        if (terms.Count == 0) throw new ArgumentException("A phrase needs at least one term.", nameof(terms));
        Field = field;
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
        return new PhraseWeight(this, searcher.Similarity.CreateScorer(boost, idf, stats), needsScores);
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
        return sb.Append('"').ToString();
    }

    private sealed class PhraseWeight(PhraseQuery query, BM25Scorer sim, bool needsScores) : Weight
    {
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
                needsScores ? leaf.GetFieldLengths(query.Field) : default);
        }
    }
}

/// <summary>
/// Leapfrogs the terms' postings (cheapest first) and, on each document they share, counts the positions p
/// where every term i occurs at p + offset(i). Position buffers are reused across documents.
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
    private int _doc = -1;
    private int _freq;

    public ExactPhraseScorer(PostingsEnum[] postings, IReadOnlyList<int> offsets, BM25Scorer sim, bool needsScores,
        FieldLengths lengths)
    {
        var order = Enumerable.Range(0, postings.Length).OrderBy(i => postings[i].Cost).ToArray();
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
        var lead = _postings[0];
        int doc = lead.DocId < target ? lead.Advance(target) : lead.DocId;
        while (doc != NoMoreDocs)
        {
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
            if (i < _postings.Length) continue;
            _freq = PhraseFreq();
            if (_freq > 0) return _doc = doc;
            doc = lead.NextDoc();
        }
        return _doc = NoMoreDocs;
    }

    private int PhraseFreq()
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

    public override float Score() =>
        _needsScores ? _sim.Score(_freq, _lengths.Get(_doc)) : 0f;

    public override float ScoreUpperBound() => _needsScores ? _sim.UpperBound(_freq) : 0f;
}
