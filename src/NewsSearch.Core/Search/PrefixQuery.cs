using System.Numerics;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>
/// Every term of a field that starts with <see cref="Prefix"/> (found with TermsEnum.SeekCeil), e.g. the bigrams
/// starting with a single CJK character the user typed. Constant score (the boost), like Lucene's rewrite:
/// the postings of all expanded terms are unioned into a per-segment bitset. At most
/// <see cref="MaxExpansions"/> terms are expanded per segment (in term order); the rest are ignored.
/// </summary>
public sealed class PrefixQuery(string field, string prefix, int maxExpansions = PrefixQuery.DefaultMaxExpansions) : Query
{
    public const int DefaultMaxExpansions = 8192;

    public string Field { get; } = field;

    public string Prefix { get; } = prefix;

    public int MaxExpansions { get; } = maxExpansions;

    public override Weight CreateWeight(IndexSearcher searcher, bool needsScores, float boost) =>
        new PrefixWeight(this, needsScores ? boost : 0f);

    public override string ToString() => $"{Field}:{TermQuery.QuoteIfNeeded(Prefix)}*";

    private sealed class PrefixWeight(PrefixQuery query, float score) : Weight
    {
        public override Scorer? GetScorer(LeafReader leaf)
        {
            var terms = leaf.GetTerms(query.Field);
            if (terms is null || leaf.MaxDoc == 0 || !terms.SeekCeil(query.Prefix)) return null;
            var bits = new ulong[(leaf.MaxDoc + 63) >> 6];
            int expanded = 0;
            long count = 0;
            do
            {
                if (!terms.Term.StartsWith(query.Prefix, StringComparison.Ordinal)) break;
                var postings = terms.Postings(withPositions: false);
                for (int d = postings.NextDoc(); d != PostingsEnum.NoMoreDocs; d = postings.NextDoc())
                    bits[d >> 6] |= 1UL << (d & 63);
                count += terms.DocFreq;
            } while (++expanded < query.MaxExpansions && terms.Next());
            if (count == 0) return null;
            return new BitSetScorer(bits, leaf.MaxDoc, Math.Min(count, leaf.MaxDoc), score);
        }
    }
}

/// <summary>Iterates the set bits of a per-segment bitset with a constant score.</summary>
internal sealed class BitSetScorer(ulong[] bits, int maxDoc, long cost, float score) : Scorer
{
    private int _doc = -1;

    public override int DocId => _doc;

    public override long Cost => cost;

    public override int NextDoc() => Advance(_doc + 1);

    public override int Advance(int target)
    {
        if (target >= maxDoc) return _doc = NoMoreDocs;
        int word = target >> 6;
        ulong w = bits[word] & (ulong.MaxValue << (target & 63));
        while (w == 0)
        {
            if (++word >= bits.Length) return _doc = NoMoreDocs;
            w = bits[word];
        }
        int doc = (word << 6) + BitOperations.TrailingZeroCount(w);
        return _doc = doc < maxDoc ? doc : NoMoreDocs;
    }

    public override float Score() => score;

    public override float ScoreUpperBound() => score;
}
