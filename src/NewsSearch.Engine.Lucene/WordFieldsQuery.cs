using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using LBooleanQuery = Lucene.Net.Search.BooleanQuery;
using LQuery = Lucene.Net.Search.Query;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// The shape our parser gives one query word of one token: per field <c>(+gram^g word^w)</c>, the fields ORed, beside
/// optional constant-score keyword clauses (the author name): <c>author:中国 (+title.cjk:中国^0.6 title:中国^2)
/// (+body.cjk:中国^0.3 body:中国)</c>. Lucene scores that with a <c>DisjunctionSumScorer</c> over one
/// <c>BooleanScorer2</c> → <c>ReqOptSumScorer</c> → <c>SingleMatchScorer</c> → <c>TermScorer</c> chain per field, about
/// a dozen virtual calls per document; this query walks the same terms' <c>DocsEnum</c>s in one flat scorer: the next
/// document is the least of the required (gram) terms' and the keyword terms' documents, and a field's optional word
/// term is advanced to it only when the score is asked for (as <c>ReqOptSumScorer</c> does).
/// Matches and scores are those of <see cref="Equivalent"/>, the BooleanQuery it stands for (coord off): each term's
/// BM25 weight is computed and normalized as its <c>TermQuery</c> would be, a field's gram and word scores are summed
/// in float as <c>ReqOptSumScorer</c> sums them, the clauses in double as <c>DisjunctionSumScorer</c> does; a keyword
/// clause scores its constant as <c>ConstantScoreQuery</c> does. Explain goes through <see cref="Equivalent"/>.
/// </summary>
internal sealed class WordFieldsQuery : LQuery
{
    /// <summary>One field's part: the required gram term and the optional word term (null: none), each boosted.</summary>
    internal readonly record struct FieldPart(Term Gram, float GramBoost, Term? Word, float WordBoost);

    /// <summary>An optional constant-score keyword clause: its term and constant (before the top-level boost).</summary>
    internal readonly record struct KeywordPart(Term Term, float Constant);

    private readonly FieldPart[] _fields;
    private readonly KeywordPart[] _keywords;

    public WordFieldsQuery(FieldPart[] fields, KeywordPart[] keywords, LBooleanQuery equivalent)
    {
        if (fields.Length == 0) throw new ArgumentException("at least one field part is needed", nameof(fields));
        _fields = fields;
        _keywords = keywords;
        Equivalent = equivalent;
    }

    /// <summary>The BooleanQuery this query matches and scores as (its own boost is 1; this query carries the boost).</summary>
    public LBooleanQuery Equivalent { get; }

    public override Weight CreateWeight(IndexSearcher searcher) => new FieldsWeight(this, searcher);

    public override void ExtractTerms(ISet<Term> terms) => Equivalent.ExtractTerms(terms);

    public override string ToString(string field) =>
        Boost == 1f ? Equivalent.ToString(field) : "(" + Equivalent.ToString(field) + ")^" + Boost.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override bool Equals(object? obj) =>
        obj is WordFieldsQuery other && other.Boost == Boost && other.Equivalent.Equals(Equivalent);

    public override int GetHashCode() => HashCode.Combine(Equivalent.GetHashCode(), Boost);

    private sealed class FieldsWeight : Weight
    {
        private readonly WordFieldsQuery _query;
        private readonly Similarity _similarity;
        private readonly IndexSearcher _searcher;
        private Weight? _equivalent; // built on the first Explain (it would look every term up again)
        private float _norm = 1f, _topLevelBoost = 1f;
        private readonly TermContext[] _gramStates, _keywordStates;
        private readonly TermContext?[] _wordStates;
        private readonly Similarity.SimWeight[] _gramWeights;
        private readonly Similarity.SimWeight?[] _wordWeights;
        private readonly float[] _constants;

        public FieldsWeight(WordFieldsQuery query, IndexSearcher searcher)
        {
            _query = query;
            _similarity = searcher.Similarity;
            _searcher = searcher;
            var top = searcher.TopReaderContext;
            int n = query._fields.Length;
            _gramStates = new TermContext[n];
            _wordStates = new TermContext?[n];
            _gramWeights = new Similarity.SimWeight[n];
            _wordWeights = new Similarity.SimWeight?[n];
            for (int i = 0; i < n; i++)
            {
                var part = query._fields[i];
                _gramStates[i] = TermContext.Build(top, part.Gram);
                _gramWeights[i] = _similarity.ComputeWeight(part.GramBoost, searcher.CollectionStatistics(part.Gram.Field),
                    searcher.TermStatistics(part.Gram, _gramStates[i]));
                if (part.Word is { } word)
                {
                    _wordStates[i] = TermContext.Build(top, word);
                    _wordWeights[i] = _similarity.ComputeWeight(part.WordBoost, searcher.CollectionStatistics(word.Field),
                        searcher.TermStatistics(word, _wordStates[i]!));
                }
            }
            _keywordStates = new TermContext[query._keywords.Length];
            _constants = new float[query._keywords.Length];
            for (int i = 0; i < _keywordStates.Length; i++) _keywordStates[i] = TermContext.Build(top, query._keywords[i].Term);
        }

        public override LQuery Query => _query;

        // What the BooleanQuery's weight gives: its clauses' values summed (a ConstantScoreQuery's is its boost
        // squared), times its boost squared. BM25 ignores it (its query norm is 1), other similarities need not.
        public override float GetValueForNormalization()
        {
            float sum = 0;
            for (int i = 0; i < _gramWeights.Length; i++)
                sum += _gramWeights[i].GetValueForNormalization() + (_wordWeights[i]?.GetValueForNormalization() ?? 0f);
            foreach (var k in _query._keywords) sum += k.Constant * k.Constant;
            return sum * _query.Boost * _query.Boost;
        }

        public override void Normalize(float norm, float topLevelBoost)
        {
            _norm = norm;
            _topLevelBoost = topLevelBoost;
            float boost = topLevelBoost * _query.Boost;
            // As each TermQuery inside a BooleanQuery (coord off) is normalized: the boolean passes its boost down.
            foreach (var w in _gramWeights) w.Normalize(norm, boost);
            foreach (var w in _wordWeights) w?.Normalize(norm, boost);
            // As ConstantScoreQuery: its boost times the query norm times the boost from above.
            for (int i = 0; i < _constants.Length; i++) _constants[i] = _query._keywords[i].Constant * norm * boost;
        }

        public override Explanation Explain(AtomicReaderContext context, int doc)
        {
            if (_equivalent is null)
            {
                var equivalent = _query.Equivalent.CreateWeight(_searcher);
                // Lucene's protocol: the value for normalization first (ConstantScoreQuery's weight resets there).
                equivalent.GetValueForNormalization();
                equivalent.Normalize(_norm, _topLevelBoost * _query.Boost);
                _equivalent = equivalent;
            }
            return _equivalent.Explain(context, doc);
        }

        public override Scorer? GetScorer(AtomicReaderContext context, IBits acceptDocs)
        {
            var grams = new List<(DocsEnum Docs, Similarity.SimScorer Sim, DocsEnum? Word, Similarity.SimScorer? WordSim)>(_gramStates.Length);
            for (int i = 0; i < _gramStates.Length; i++)
            {
                var docs = Docs(context, _query._fields[i].Gram, _gramStates[i], acceptDocs);
                if (docs is null) continue; // the required clause is absent: this field's part matches nothing here
                DocsEnum? word = null;
                Similarity.SimScorer? wordSim = null;
                if (_query._fields[i].Word is { } w && Docs(context, w, _wordStates[i]!, acceptDocs) is { } wd)
                {
                    word = wd;
                    wordSim = _similarity.GetSimScorer(_wordWeights[i]!, context);
                }
                grams.Add((docs, _similarity.GetSimScorer(_gramWeights[i], context), word, wordSim));
            }
            var keywords = new List<(DocsEnum Docs, float Constant)>(_keywordStates.Length);
            for (int i = 0; i < _keywordStates.Length; i++)
                if (Docs(context, _query._keywords[i].Term, _keywordStates[i], acceptDocs) is { } kd) keywords.Add((kd, _constants[i]));
            if (grams.Count == 0 && keywords.Count == 0) return null;
            return new FieldsScorer(this, grams, keywords);
        }

        private static DocsEnum? Docs(AtomicReaderContext context, Term term, TermContext states, IBits acceptDocs)
        {
            var state = states.Get(context.Ord);
            if (state is null) return null;
            var termsEnum = context.AtomicReader.GetTerms(term.Field).GetEnumerator();
            termsEnum.SeekExact(term.Bytes, state);
            return termsEnum.Docs(acceptDocs, null);
        }
    }

    /// <summary>Clauses 0..g-1 are the fields' required gram terms (each with its optional word term), g.. the keyword
    /// terms; the current document is the least of their documents.</summary>
    private sealed class FieldsScorer : Scorer
    {
        private readonly DocsEnum[] _docs;
        private readonly int[] _at;
        private readonly Similarity.SimScorer[] _sims;
        private readonly DocsEnum?[] _words;
        private readonly Similarity.SimScorer?[] _wordSims;
        private readonly float[] _constants;
        private readonly int _grams;
        private readonly long _cost;
        private int _doc = -1;

        public FieldsScorer(Weight weight, List<(DocsEnum Docs, Similarity.SimScorer Sim, DocsEnum? Word, Similarity.SimScorer? WordSim)> grams,
            List<(DocsEnum Docs, float Constant)> keywords) : base(weight)
        {
            _grams = grams.Count;
            int n = grams.Count + keywords.Count;
            _docs = new DocsEnum[n];
            _at = new int[n];
            _sims = new Similarity.SimScorer[grams.Count];
            _words = new DocsEnum?[grams.Count];
            _wordSims = new Similarity.SimScorer?[grams.Count];
            _constants = new float[keywords.Count];
            for (int i = 0; i < grams.Count; i++)
            {
                (_docs[i], _sims[i], _words[i], _wordSims[i]) = grams[i];
                _at[i] = -1;
            }
            for (int i = 0; i < keywords.Count; i++)
            {
                (_docs[_grams + i], _constants[i]) = keywords[i];
                _at[_grams + i] = -1;
            }
            foreach (var d in _docs) _cost += d.GetCost();
        }

        public override int DocID => _doc;

        public override int NextDoc()
        {
            int doc = NO_MORE_DOCS;
            var at = _at;
            for (int i = 0; i < at.Length; i++)
            {
                int d = at[i];
                if (d <= _doc) at[i] = d = _docs[i].NextDoc();
                if (d < doc) doc = d;
            }
            return _doc = doc;
        }

        public override int Advance(int target)
        {
            int doc = NO_MORE_DOCS;
            var at = _at;
            for (int i = 0; i < at.Length; i++)
            {
                int d = at[i];
                if (d < target) at[i] = d = _docs[i].Advance(target);
                if (d < doc) doc = d;
            }
            return _doc = doc;
        }

        public override float GetScore()
        {
            int doc = _doc;
            double score = 0;
            for (int i = 0; i < _grams; i++)
            {
                if (_at[i] != doc) continue;
                var docs = _docs[i];
                float part = _sims[i].Score(doc, docs.Freq);
                if (_words[i] is { } word)
                {
                    int w = word.DocID;
                    if (w < doc) w = word.Advance(doc);
                    if (w == doc) part += _wordSims[i]!.Score(doc, word.Freq);
                }
                score += part;
            }
            for (int i = 0; i < _constants.Length; i++)
                if (_at[_grams + i] == doc) score += _constants[i];
            return (float)score;
        }

        public override int Freq
        {
            get
            {
                int n = 0;
                foreach (int d in _at) if (d == _doc) n++;
                return n;
            }
        }

        public override long GetCost() => _cost;
    }
}
