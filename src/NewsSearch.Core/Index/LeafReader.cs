namespace NewsSearch.Core.Index;

/// <summary>
/// Iterates the documents (and positions) of one term in one segment, in increasing doc order.
/// Lucene's PostingsEnum: <see cref="NextDoc"/>/<see cref="Advance"/> return <see cref="NoMoreDocs"/> at the end.
/// Doc ids are segment-local (0..MaxDoc-1). Deleted documents may be returned; callers check liveness.
/// </summary>
public abstract class PostingsEnum
{
    public const int NoMoreDocs = int.MaxValue;

    /// <summary>Current doc id; -1 before the first call, <see cref="NoMoreDocs"/> at the end.</summary>
    public abstract int DocId { get; }

    public abstract int NextDoc();

    /// <summary>Advances to the first doc &gt;= target (target &gt; DocId).</summary>
    public abstract int Advance(int target);

    /// <summary>Occurrences of the term in the current doc.</summary>
    public abstract int Freq { get; }

    /// <summary>Next position of the term in the current doc; call at most <see cref="Freq"/> times per doc.
    /// Only valid when positions were requested.</summary>
    public abstract int NextPosition();

    /// <summary>Upper bound of the docs this enum yields (its doc freq): used to order clauses cheapest first.</summary>
    public abstract long Cost { get; }

    /// <summary>
    /// Sets bit d (word d &gt;&gt; 6, bit d &amp; 63) of <paramref name="bits"/> for every doc d that
    /// <see cref="NextDoc"/> would still return, and leaves the enum exhausted. Implementations may skip
    /// decoding freqs and positions (a docs-only union, e.g. for prefix queries).
    /// </summary>
    public virtual void IntoBitSet(ulong[] bits)
    {
        for (int d = NextDoc(); d != NoMoreDocs; d = NextDoc()) bits[d >> 6] |= 1UL << d;
    }
}

/// <summary>Iterates a field's terms in ordinal (UTF-16 code unit) order.</summary>
public abstract class TermsEnum
{
    /// <summary>Positions on the first term &gt;= target; false when there is none.</summary>
    public abstract bool SeekCeil(ReadOnlySpan<char> target);

    /// <summary>Moves to the next term; false at the end. Before any seek it moves to the first term.</summary>
    public abstract bool Next();

    public abstract ReadOnlySpan<char> Term { get; }

    public abstract int DocFreq { get; }

    public abstract long TotalTermFreq { get; }

    public abstract PostingsEnum Postings(bool withPositions);

    /// <summary>
    /// Postings of the current term, re-using <paramref name="reuse"/> (an enum an earlier call returned, of any
    /// term, field or segment of the same reader kind) when the implementation can, so expanding many terms does
    /// not allocate an enum per term. The returned enum may be <paramref name="reuse"/> itself: the caller must be
    /// done with it. Without reuse support this is <see cref="Postings(bool)"/>.
    /// </summary>
    public virtual PostingsEnum Postings(bool withPositions, PostingsEnum? reuse) => Postings(withPositions);
}

/// <summary>Per-field statistics a similarity needs, over one segment or a whole snapshot.</summary>
public readonly record struct FieldStatistics(long DocCount, long SumTotalTermFreq, long SumDocFreq);

/// <summary>
/// Read access to one immutable segment (Lucene's LeafReader). Thread-safe for concurrent searches;
/// every method is cheap and allocates nothing on the hot path except enums.
/// </summary>
public abstract class LeafReader
{
    /// <summary>Offset of this segment's doc ids in the snapshot's global id space.</summary>
    public int DocBase { get; init; }

    /// <summary>Number of doc ids in the segment, deleted included.</summary>
    public abstract int MaxDoc { get; }

    /// <summary>Live documents.</summary>
    public abstract int NumDocs { get; }

    /// <summary>False for a deleted document.</summary>
    public abstract bool IsLive(int doc);

    /// <summary>True when the segment has any deletions (so scorers can skip the liveness check otherwise).</summary>
    public bool HasDeletions => NumDocs != MaxDoc;

    /// <summary>Postings of one term, or null when the field or term is absent.</summary>
    public abstract PostingsEnum? GetPostings(string field, ReadOnlySpan<char> term, bool withPositions);

    /// <summary>Doc freq of one term (0 when absent).</summary>
    public abstract int DocFreq(string field, ReadOnlySpan<char> term);

    /// <summary>The field's terms, or null when the segment has no such field.</summary>
    public abstract TermsEnum? GetTerms(string field);

    public abstract FieldStatistics GetFieldStatistics(string field);

    /// <summary>Number of tokens the field had in the doc (the BM25 length; may be quantized like Lucene's norms).</summary>
    public abstract int GetFieldLength(string field, int doc);

    /// <summary>The article id of a doc.</summary>
    public abstract string GetId(int doc);

    /// <summary>A numeric doc value (e.g. <see cref="NewsFields.PublishedDay"/>); <paramref name="missing"/> when absent.</summary>
    public abstract long GetNumericValue(string field, int doc, long missing = long.MinValue);

    /// <summary>A sorted doc value (e.g. <see cref="NewsFields.Section"/>), or null when absent.</summary>
    public abstract string? GetSortedValue(string field, int doc);
}
