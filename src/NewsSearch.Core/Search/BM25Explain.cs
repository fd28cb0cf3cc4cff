using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>The BM25 breakdown of one term or phrase in one document, as explanations show it.</summary>
internal static class BM25Explain
{
    public static Explanation Of(string what, BM25Scorer sim, float freq, int fieldLength, FieldStatistics stats, string freqName = "tf")
    {
        float score = sim.Score(freq, fieldLength);
        double avgdl = stats.DocCount > 0 ? (double)stats.SumTotalTermFreq / stats.DocCount : 1.0;
        return new Explanation(true, score, $"BM25 {what}: boost·idf · tf / (tf + k1·(1 − b + b·dl/avgdl))",
        [
            Explanation.Leaf(sim.Weight, "boost · idf"),
            Explanation.Leaf(freq, freqName),
            Explanation.Leaf(fieldLength, "dl, field length"),
            Explanation.Leaf((float)avgdl, "avgdl, average field length"),
        ]);
    }
}
