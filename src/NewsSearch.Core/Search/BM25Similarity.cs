using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>
/// Okapi BM25 as Lucene 8+ computes it (no (k1 + 1) factor in the numerator, which changes no ranking):
/// score = boost · idf · tf / (tf + k1 · (1 − b + b · dl / avgdl)), idf = ln(1 + (N − df + 0.5) / (df + 0.5)).
/// N is the number of documents that have the field; statistics are snapshot-wide so every segment scores alike.
/// </summary>
public sealed class BM25Similarity
{
    public static readonly BM25Similarity Default = new();

    public BM25Similarity(float k1 = 1.2f, float b = 0.75f)
    {
        if (!(k1 >= 0) || float.IsInfinity(k1)) throw new ArgumentOutOfRangeException(nameof(k1));
        if (!(b >= 0 && b <= 1)) throw new ArgumentOutOfRangeException(nameof(b));
        K1 = k1;
        B = b;
    }

    public float K1 { get; }

    public float B { get; }

    /// <summary>Lucene's BM25 idf; always positive, even for a term in every document.</summary>
    public static float Idf(long docFreq, long docCount) =>
        (float)Math.Log(1.0 + (docCount - docFreq + 0.5) / (docFreq + 0.5));

    /// <summary>Scorer for one term (or phrase) of one field; <paramref name="idf"/> is summed over a phrase's terms.</summary>
    public BM25Scorer CreateScorer(float boost, float idf, FieldStatistics stats)
    {
        double avgdl = stats.DocCount > 0 ? (double)stats.SumTotalTermFreq / stats.DocCount : 1.0;
        if (avgdl <= 0) avgdl = 1.0;
        return new BM25Scorer(boost * idf, K1 * (1 - B), (float)(K1 * B / avgdl));
    }
}

/// <summary>
/// The per-term part of BM25 with everything that does not depend on the document folded into constants,
/// so scoring a posting is one multiply-add and one divide.
/// </summary>
public readonly struct BM25Scorer(float weight, float normBase, float normPerToken)
{
    /// <summary>boost · idf.</summary>
    public float Weight { get; } = weight;

    /// <summary>The score of <paramref name="freq"/> occurrences in a field of length 0: no field length can score
    /// higher, so this bounds <see cref="Score"/> without reading the length.</summary>
    public float UpperBound(float freq) => Weight * freq / (freq + normBase);

    public float Score(float freq, int fieldLength)
    {
        float norm = normBase + normPerToken * fieldLength;
        return Weight * freq / (freq + norm);
    }
}
