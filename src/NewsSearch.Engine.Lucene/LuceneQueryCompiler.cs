using Lucene.Net.Index;
using NewsSearch.Core;
using NewsSearch.Core.Search;
using LBooleanQuery = Lucene.Net.Search.BooleanQuery;
using LCachingWrapperFilter = Lucene.Net.Search.CachingWrapperFilter;
using LFilter = Lucene.Net.Search.Filter;
using LPrefixFilter = Lucene.Net.Search.PrefixFilter;
using LQueryWrapperFilter = Lucene.Net.Search.QueryWrapperFilter;
using LConstantScoreQuery = Lucene.Net.Search.ConstantScoreQuery;
using LMatchAllDocsQuery = Lucene.Net.Search.MatchAllDocsQuery;
using LMultiTermQuery = Lucene.Net.Search.MultiTermQuery;
using LNumericRangeQuery = Lucene.Net.Search.NumericRangeQuery;
using LOccur = Lucene.Net.Search.Occur;
using LPhraseQuery = Lucene.Net.Search.PhraseQuery;
using LPrefixQuery = Lucene.Net.Search.PrefixQuery;
using LQuery = Lucene.Net.Search.Query;
using LTermQuery = Lucene.Net.Search.TermQuery;
using NsBooleanQuery = NewsSearch.Core.Search.BooleanQuery;
using NsMatchAllDocsQuery = NewsSearch.Core.Search.MatchAllDocsQuery;
using NsMatchNoDocsQuery = NewsSearch.Core.Search.MatchNoDocsQuery;
using NsNumericRangeQuery = NewsSearch.Core.Search.NumericRangeQuery;
using NsPhraseQuery = NewsSearch.Core.Search.PhraseQuery;
using NsPrefixQuery = NewsSearch.Core.Search.PrefixQuery;
using NsQuery = NewsSearch.Core.Search.Query;
using NsTermQuery = NewsSearch.Core.Search.TermQuery;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// Compiles our query tree (what <see cref="QueryParser"/> emits) to Lucene.Net queries that match the same
/// documents:
/// <list type="bullet">
/// <item>terms and phrases one to one (sloppy phrases <c>"a b"~N</c> with the same <c>Slop</c>), phrases at our analyzed positions (<c>PhraseQuery.Add(term, position)</c>);
/// gram-field clauses need nothing special because this engine indexes every bigram in the gram fields (the
/// native engine leaves out those the word field holds and reads both fields; see ARCHITECTURE.md);</item>
/// <item>prefixes exhaustively (constant-score filter rewrite: every expanded term, no cap), their match sets kept per
/// segment (<c>CachingWrapperFilter</c>);</item>
/// <item>keyword values (author, section, id, kind), date ranges (an indexed Int64Field) and match-all as
/// constant scores;</item>
/// <item>boosts multiply into <c>Query.Boost</c>; a Filter clause is a MUST clause whose score is 0.</item>
/// </list>
/// Lucene.Net's BM25 multiplies every term score by (k1 + 1), which ours leaves out; constant scores are multiplied
/// by the same factor so that a prefix or an author-name match weighs against a term match as it does natively.
/// Unknown node types throw <see cref="NotSupportedException"/>.
/// </summary>
public static class LuceneQueryCompiler
{
    /// <summary>(k1 + 1) of BM25Similarity(1.2, 0.75).</summary>
    public const float ConstantScoreScale = LuceneIndexEngine.K1 + 1f;

    public static LQuery Compile(NsQuery query) => Compile(query, 1f, fuse: true);

    /// <summary>As <see cref="Compile(NsQuery)"/> with Lucene's own boolean queries throughout (no
    /// <see cref="WordFieldsQuery"/>): the oracle the fused form is tested against.</summary>
    internal static LQuery CompileUnfused(NsQuery query) => Compile(query, 1f, fuse: false);

    private static LQuery Compile(NsQuery query, float boost, bool fuse)
    {
        switch (query)
        {
            case NsTermQuery t:
                return Boosted(new LTermQuery(new Term(t.Field, t.Term)), boost);
            case NsPhraseQuery p:
            {
                // Slop as in Lucene: the edit distance of positions (our sloppy phrase follows SloppyPhraseScorer).
                var phrase = new LPhraseQuery { Slop = p.Slop };
                for (int i = 0; i < p.Terms.Count; i++) phrase.Add(new Term(p.Field, p.Terms[i]), p.Positions[i]);
                return Boosted(phrase, boost);
            }
            case NsPrefixQuery p:
                return Boosted(new LConstantScoreQuery(PrefixFilter(p.Field, p.Prefix)), boost * ConstantScoreScale);
            case KeywordQuery k:
                return Boosted(new LConstantScoreQuery(new LTermQuery(new Term(k.Field, k.Value))), boost * ConstantScoreScale);
            case NsNumericRangeQuery r:
                if (r.Min > r.Max) return new LBooleanQuery();
                return Boosted(new LConstantScoreQuery(LNumericRangeQuery.NewInt64Range(r.Field,
                    r.Min <= long.MinValue + 1 ? null : r.Min, r.Max == long.MaxValue ? null : r.Max, true, true)),
                    boost * ConstantScoreScale);
            case NsMatchAllDocsQuery:
                return Boosted(new LMatchAllDocsQuery(), boost * ConstantScoreScale);
            case NsMatchNoDocsQuery:
                return new LBooleanQuery();
            case BoostQuery b:
                return Compile(b.Query, boost * b.Boost, fuse);
            case NsBooleanQuery b:
            {
                var result = CompileBoolean(b, fuse);
                // One query word's fields: one flat scorer instead of Lucene's nested boolean scorers (same scores).
                if (fuse && WordFields(b, result) is { } fused) return Boosted(fused, boost);
                return Boosted(result, boost);
            }
            default:
                throw new NotSupportedException($"The Lucene engine cannot run query node {query.GetType().FullName}.");
        }
    }

    private static LBooleanQuery CompileBoolean(NsBooleanQuery b, bool fuse)
    {
        var result = new LBooleanQuery(disableCoord: true) { MinimumNumberShouldMatch = b.MinimumShouldMatch };
        foreach (var c in b.Clauses)
        {
            switch (c.Occur)
            {
                case Occur.Must: result.Add(Compile(c.Query, 1f, fuse), LOccur.MUST); break;
                case Occur.Should: result.Add(Compile(c.Query, 1f, fuse), LOccur.SHOULD); break;
                case Occur.MustNot: result.Add(Compile(c.Query, 1f, fuse), LOccur.MUST_NOT); break;
                case Occur.Filter: result.Add(NonScoring(Compile(c.Query, 1f, fuse)), LOccur.MUST); break;
                default: throw new NotSupportedException($"Boolean clause occur {c.Occur} is not supported by the Lucene engine.");
            }
        }
        return result;
    }

    /// <summary>
    /// <paramref name="b"/> as a <see cref="WordFieldsQuery"/> when it has the shape the parser gives one single-token
    /// word: only Should clauses, each either a field's <c>(+gram word)</c> pair of term queries (unboosted pair, any term
    /// boosts) or a keyword clause (the author name), at least one pair; else null. <paramref name="compiled"/> is
    /// <paramref name="b"/> compiled as a plain BooleanQuery, kept as the fused query's equivalent (explain).
    /// </summary>
    internal static LQuery? WordFields(NsBooleanQuery b, LBooleanQuery compiled)
    {
        if (b.MinimumShouldMatch > 1) return null;
        var fields = new List<WordFieldsQuery.FieldPart>(2);
        var keywords = new List<WordFieldsQuery.KeywordPart>(1);
        foreach (var c in b.Clauses)
        {
            if (c.Occur != Occur.Should) return null;
            var (q, qBoost) = Unboosted(c.Query);
            if (q is KeywordQuery k)
            {
                keywords.Add(new(new Term(k.Field, k.Value), qBoost * ConstantScoreScale));
                continue;
            }
            if (q is not NsBooleanQuery pair || qBoost != 1f || pair.MinimumShouldMatch != 0 || pair.Clauses.Count != 2) return null;
            int must = pair.Clauses[0].Occur == Occur.Must ? 0 : 1;
            if (pair.Clauses[must].Occur != Occur.Must || pair.Clauses[1 - must].Occur != Occur.Should) return null;
            if (Unboosted(pair.Clauses[must].Query) is not (NsTermQuery gram, var gramBoost)) return null;
            if (Unboosted(pair.Clauses[1 - must].Query) is not (NsTermQuery word, var wordBoost)) return null;
            fields.Add(new(new Term(gram.Field, gram.Term), gramBoost, new Term(word.Field, word.Term), wordBoost));
        }
        return fields.Count == 0 ? null : new WordFieldsQuery(fields.ToArray(), keywords.ToArray(), compiled);
    }

    /// <summary>A query with its nested <see cref="BoostQuery"/> boosts multiplied out (as compiling a <see cref="BoostQuery"/> does).</summary>
    private static (NsQuery Query, float Boost) Unboosted(NsQuery q)
    {
        float boost = 1f;
        while (q is BoostQuery bq)
        {
            boost *= bq.Boost;
            q = bq.Query;
        }
        return (q, boost);
    }

    /// <summary>
    /// A prefix's matches as a filter kept per segment (Lucene's <c>CachingWrapperFilter</c>, keyed by each segment's
    /// core, so every snapshot sharing a segment shares its set; deletions are applied after the cache). Expanding a
    /// single Han character walks thousands of bigram terms (<c>的*</c>: 14 ms of a 200k search), as natively where
    /// expansions are kept on the segment too (<c>SegmentMatchCache</c>). Bounded: the cache starts over when full.
    /// </summary>
    private static LFilter PrefixFilter(string field, string prefix)
    {
        string key = field + "\0" + prefix;
        if (PrefixFilters.TryGetValue(key, out var cached)) return cached;
        // As natively: a single Han char on a gram field also covers the word field's terms starting with it
        // (redundant over our all-bigram gram fields, needed for analyzers without run-end unigrams).
        LFilter matches = WordFieldOf(field) is { } wordField && prefix.Length == 1 && CjkText.IsCjk(prefix[0])
            ? new LQueryWrapperFilter(new LBooleanQuery(disableCoord: true)
            {
                { Prefix(field, prefix), LOccur.SHOULD },
                { Prefix(wordField, prefix), LOccur.SHOULD },
            })
            : new LPrefixFilter(new Term(field, prefix));
        var filter = new LCachingWrapperFilter(matches);
        if (PrefixFilters.Count >= MaxCachedPrefixes) PrefixFilters.Clear();
        return PrefixFilters.GetOrAdd(key, filter);
    }

    /// <summary>Most prefix filters kept (each holds at most a bitset per segment).</summary>
    internal const int MaxCachedPrefixes = 64;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, LFilter> PrefixFilters = new();

    private static LPrefixQuery Prefix(string field, string prefix) => new(new Term(field, prefix))
    {
        MultiTermRewriteMethod = LMultiTermQuery.CONSTANT_SCORE_FILTER_REWRITE,
    };

    private static string? WordFieldOf(string gramField) => gramField switch
    {
        NewsFields.TitleGrams => NewsFields.Title,
        NewsFields.BodyGrams => NewsFields.Body,
        _ => null,
    };

    /// <summary>Must match, adds nothing to the score (Lucene 4.8 has no FILTER occur).</summary>
    public static LQuery NonScoring(LQuery query) => new LConstantScoreQuery(query) { Boost = 0f };

    private static LQuery Boosted(LQuery q, float boost)
    {
        q.Boost *= boost;
        return q;
    }
}
