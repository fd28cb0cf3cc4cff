using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Search;

public sealed record MoreLikeThisOptions
{
    /// <summary>Terms kept from the article (best tf·idf first).</summary>
    public int MaxQueryTerms { get; init; } = 20;

    /// <summary>Shortest term kept, in code points (single characters say little about a topic).</summary>
    public int MinTermLength { get; init; } = 2;

    /// <summary>A term must be in at least this many documents (the article itself included) to find others.</summary>
    public long MinDocFreq { get; init; } = 2;

    /// <summary>Terms in more than this share of the documents are too common to say what the article is about.</summary>
    public double MaxDocFreqShare { get; init; } = 0.5;

    /// <summary>Extra weight of a title occurrence when counting term frequencies.</summary>
    public int TitleFrequency { get; init; } = 3;
}

/// <summary>
/// Builds a "more like this" query for one article (Lucene's MoreLikeThis): the article's title and body are
/// analyzed with the index word analyzers, terms are ranked by tf · idf (title occurrences count
/// <see cref="MoreLikeThisOptions.TitleFrequency"/> times; docFreq from the caller's snapshot), and the best ones
/// become an OR over the title and body word fields, each boosted by its share of the best term's weight, with the
/// article's own id excluded. Only term and keyword queries: it runs on any engine that runs our query tree.
/// Thread-safe.
/// </summary>
public sealed class MoreLikeThis(Func<string, Analyzer> indexAnalyzer, MoreLikeThisOptions? options = null,
    float titleBoost = 2.0f)
{
    private readonly MoreLikeThisOptions _options = options ?? new MoreLikeThisOptions();

    /// <summary>A term picked for the query, with its tf · idf weight.</summary>
    public readonly record struct WeightedTerm(string Term, int Frequency, long DocFreq, float Weight);

    /// <summary>The top terms of the article by tf · idf. <paramref name="docFreq"/>(field, term) is the number of
    /// documents holding the term in that field; <paramref name="docCount"/> the number of documents.</summary>
    public IReadOnlyList<WeightedTerm> InterestingTerms(string title, string body, Func<string, string, long> docFreq, long docCount)
    {
        var freqs = new Dictionary<string, int>(StringComparer.Ordinal);
        Count(freqs, NewsFields.Title, title, _options.TitleFrequency);
        Count(freqs, NewsFields.Body, body, 1);
        var scored = new List<WeightedTerm>(freqs.Count);
        long n = Math.Max(1, docCount);
        foreach (var (term, tf) in freqs)
        {
            long df = Math.Max(docFreq(NewsFields.Body, term), docFreq(NewsFields.Title, term));
            // In a tiny archive the share rule alone would refuse every shared term: MinDocFreq always passes.
            if (df < _options.MinDocFreq || df > Math.Max(_options.MinDocFreq, _options.MaxDocFreqShare * n)) continue;
            float idf = BM25Similarity.Idf(df, Math.Max(n, df));
            scored.Add(new WeightedTerm(term, tf, df, tf * idf));
        }
        // Ties by term, so the same article always gives the same query.
        scored.Sort((a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : string.CompareOrdinal(a.Term, b.Term));
        return scored.Count > _options.MaxQueryTerms ? scored.GetRange(0, _options.MaxQueryTerms) : scored;
    }

    /// <summary>The related-articles query for article <paramref name="id"/>, or null when no term qualifies.</summary>
    public Query? Build(string id, string title, string body, Func<string, string, long> docFreq, long docCount)
    {
        var terms = InterestingTerms(title, body, docFreq, docCount);
        if (terms.Count == 0) return null;
        float best = terms[0].Weight;
        var clauses = new List<BooleanClause>(terms.Count * 2 + 1);
        foreach (var t in terms)
        {
            float boost = t.Weight / best;
            clauses.Add(new BooleanClause(new BoostQuery(new TermQuery(NewsFields.Title, t.Term), boost * titleBoost), Occur.Should));
            clauses.Add(new BooleanClause(new BoostQuery(new TermQuery(NewsFields.Body, t.Term), boost), Occur.Should));
        }
        clauses.Add(new BooleanClause(new KeywordQuery(NewsFields.Id, id), Occur.MustNot));
        return new BooleanQuery(clauses);
    }

    private void Count(Dictionary<string, int> freqs, string field, string text, int weight)
    {
        if (string.IsNullOrEmpty(text)) return;
        foreach (var t in TokenStreams.Analyze(indexAnalyzer(field), text))
        {
            // Sub-words count: 自行车 inside 公共自行车 links to articles about 自行车. Numbers say little about a topic.
            if (t.Type is not (TokenType.Word or TokenType.SubWord or TokenType.Latin)) continue;
            if (CjkText.CodePointCount(t.Term) < _options.MinTermLength) continue;
            freqs[t.Term] = freqs.GetValueOrDefault(t.Term) + weight;
        }
    }
}
