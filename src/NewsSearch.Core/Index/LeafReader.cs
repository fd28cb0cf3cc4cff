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

    /// <summary>From now on, fetches into the cache the field length in <paramref name="lengths"/> of a doc a few
    /// postings ahead of the current one (mapped lengths only), for a caller that reads the length of most docs it
    /// visits. A hint: no effect on what the enum returns.</summary>
    public virtual void PrefetchLengths(in FieldLengths lengths) { }

    /// <summary>Writes (freq, field length) pairs that dominate every doc of the term (<see cref="Impact"/>) and returns
    /// how many; 0 when none are recorded (a term in fewer than 128 docs, a field without norms, an enum over
    /// several terms).</summary>
    public virtual int TermImpacts(Span<Impact> into) => 0;

    /// <summary>
    /// Pairs that dominate every doc of the 128-doc block holding the first doc &gt;= <paramref name="target"/>,
    /// read from the skip data without decoding the block; returns that block's last doc, and <paramref name="count"/>
    /// pairs were written. When the block has none recorded (the vInt tail, or no skip data) returns
    /// <see cref="NoMoreDocs"/> with count 0: the term's bounds then apply. Targets of this and of
    /// <see cref="Advance"/> should not decrease (an earlier target still works, but decodes sequentially).
    /// </summary>
    public virtual int BlockImpacts(int target, Span<Impact> into, out int count)
    {
        count = 0;
        return NoMoreDocs;
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

    /// <summary>Clears the bits of deleted documents in a match bitset of this segment (word d &gt;&gt; 6).</summary>
    public virtual void ClearDeleted(ulong[] bits)
    {
        if (!HasDeletions) return;
        int words = Math.Min(bits.Length, (MaxDoc + 63) >> 6);
        for (int w = 0; w < words; w++)
        {
            ulong word = bits[w];
            while (word != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (!IsLive((w << 6) + bit)) bits[w] &= ~(1UL << bit);
            }
        }
    }

    /// <summary>Postings of one term, or null when the field or term is absent.</summary>
    public abstract PostingsEnum? GetPostings(string field, ReadOnlySpan<char> term, bool withPositions);

    /// <summary>Doc freq of one term (0 when absent).</summary>
    public abstract int DocFreq(string field, ReadOnlySpan<char> term);

    /// <summary>The field's terms, or null when the segment has no such field.</summary>
    public abstract TermsEnum? GetTerms(string field);

    public abstract FieldStatistics GetFieldStatistics(string field);

    /// <summary>Number of tokens the field had in the doc (the BM25 length; may be quantized like Lucene's norms).</summary>
    public abstract int GetFieldLength(string field, int doc);

    /// <summary>
    /// The field lengths of one field, looked up once: scorers hold this per segment and call
    /// <see cref="FieldLengths.Get"/> per doc instead of <see cref="GetFieldLength"/> (which finds the field by name
    /// on every call). Same values as <see cref="GetFieldLength"/>. This default defers to it.
    /// </summary>
    public virtual FieldLengths GetFieldLengths(string field) => new(this, field);

    /// <summary>The article id of a doc.</summary>
    public abstract string GetId(int doc);

    /// <summary>Orders two docs by article id in <see cref="Engine.IdOrder"/> (how every engine breaks ties).</summary>
    public virtual int CompareIds(int doc, LeafReader other, int otherDoc) =>
        Engine.IdOrder.Compare(GetId(doc), other.GetId(otherDoc));

    /// <summary>A numeric doc value (e.g. <see cref="NewsFields.PublishedDay"/>); <paramref name="missing"/> when absent.</summary>
    public abstract long GetNumericValue(string field, int doc, long missing = long.MinValue);

    /// <summary>A numeric column looked up once (filters and date orders read it per document); same values as
    /// <see cref="GetNumericValue"/> with <see cref="long.MinValue"/> for missing. This default defers to it.</summary>
    public virtual NumericValues GetNumericValues(string field) => new(this, field);

    /// <summary>A sorted doc value (e.g. <see cref="NewsFields.Section"/>), or null when absent.</summary>
    public abstract string? GetSortedValue(string field, int doc);
}

/// <summary>
/// Field lengths (norms) of one field in one segment, for the BM25 length normalization. A small struct a scorer
/// keeps per segment: reads the memory-mapped norms of an on-disk segment directly (1, 2 or 4 bytes per doc),
/// an array, or, for a reader without its own accessor, <see cref="LeafReader.GetFieldLength"/>.
/// <c>default</c> (a field without norms) gives 0 for every doc. Valid while the segment is (doc &lt; MaxDoc,
/// unchecked for mapped norms).
/// </summary>
public readonly unsafe struct FieldLengths
{
    private readonly byte* _norms;
    private readonly int _width;          // 1, 2 or 4 for mapped norms, else 0
    private readonly object? _other;      // int[] or ReaderField; one field keeps scorers that hold this small

    internal FieldLengths(byte* norms, int width)
    {
        if (width is not (1 or 2 or 4)) throw new ArgumentOutOfRangeException(nameof(width));
        _norms = norms;
        _width = width;
    }

    /// <summary>The mapped lengths and log2 of their width, when mapped (a prefetch target).</summary>
    internal bool TryGetMapped(out byte* norms, out int widthShift)
    {
        norms = _norms;
        widthShift = _width switch { 1 => 0, 2 => 1, 4 => 2, _ => -1 };
        return widthShift >= 0;
    }

    /// <summary>Fetches the length of <paramref name="doc"/> into the cache (mapped lengths; a hint).</summary>
    public void Prefetch(int doc)
    {
        if (_width != 0 && System.Runtime.Intrinsics.X86.Sse.IsSupported)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(_norms + (long)doc * _width);
    }

    /// <summary>Lengths held in an array indexed by doc.</summary>
    public FieldLengths(int[] values) => _other = values ?? throw new ArgumentNullException(nameof(values));

    /// <summary>Defers to <see cref="LeafReader.GetFieldLength"/> (a reader without a faster accessor).</summary>
    public FieldLengths(LeafReader leaf, string field) => _other = new ReaderField(
        leaf ?? throw new ArgumentNullException(nameof(leaf)), field ?? throw new ArgumentNullException(nameof(field)));

    /// <summary>Length of the field in <paramref name="doc"/>.</summary>
    public int Get(int doc)
    {
        switch (_width)
        {
            case 1: return _norms[doc];
            case 2: return System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ushort>(_norms + 2L * doc);
            case 4: return System.Runtime.CompilerServices.Unsafe.ReadUnaligned<int>(_norms + 4L * doc);
        }
        return _other switch
        {
            int[] values => values[doc],
            ReaderField rf => rf.Leaf.GetFieldLength(rf.Field, doc),
            _ => 0,
        };
    }

    private sealed record ReaderField(LeafReader Leaf, string Field);
}

/// <summary>
/// One numeric doc-values column of one segment (like <see cref="FieldLengths"/> for norms): the mapped column's
/// pointer, width and minimum, or for other readers <see cref="LeafReader.GetNumericValue"/>. <c>default</c> (no
/// such column) gives <see cref="long.MinValue"/> (missing) for every doc.
/// </summary>
public readonly unsafe struct NumericValues
{
    private readonly byte* _column;
    private readonly int _width;   // 1, 2, 4 or 8 for a mapped column, else 0
    private readonly long _min;
    private readonly LeafReader? _leaf;
    private readonly string? _field;

    internal NumericValues(byte* column, int width, long min)
    {
        _column = column;
        _width = width;
        _min = min;
    }

    public NumericValues(LeafReader leaf, string field)
    {
        _leaf = leaf;
        _field = field;
    }

    /// <summary>The doc's value, <see cref="long.MinValue"/> when it has none.</summary>
    public long Get(int doc)
    {
        ulong code;
        switch (_width)
        {
            case 1: code = _column[doc]; break;
            case 2: code = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ushort>(_column + 2L * doc); break;
            case 4: code = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<uint>(_column + 4L * doc); break;
            case 8: return System.Runtime.CompilerServices.Unsafe.ReadUnaligned<long>(_column + 8L * doc);
            default: return _leaf is null ? long.MinValue : _leaf.GetNumericValue(_field!, doc);
        }
        return code == 0 ? long.MinValue : (long)(code - 1) + _min;
    }
}
