using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Index;

/// <summary>
/// Term dictionary of one field in one segment. The .tip index holds, per block of up to 32 terms, the block's
/// offset in .tim and its first term; lookups binary-search it, then scan one prefix-compressed block.
/// </summary>
internal sealed unsafe class FieldReader
{
    private readonly SegmentCore _core;
    private readonly byte* _tip;
    private readonly char* _firstTerms;

    public FieldReader(SegmentCore core, FieldMeta meta)
    {
        _core = core;
        Meta = meta;
        _tip = core.Tip.Pointer + meta.TermsIndexOffset;
        BlockCount = Unsafe.ReadUnaligned<int>(_tip);
        _firstTerms = (char*)(_tip + 8 + 16L * BlockCount);
    }

    public FieldMeta Meta { get; }
    public SegmentCore Core => _core;
    public int BlockCount { get; }
    public byte* Tim => _core.Tim.Pointer;

    public long BlockFp(int block) => Unsafe.ReadUnaligned<long>(_tip + 8 + 16L * block);

    private ReadOnlySpan<char> BlockFirstTerm(int block)
    {
        byte* e = _tip + 8 + 16L * block;
        int off = Unsafe.ReadUnaligned<int>(e + 8);
        int len = Unsafe.ReadUnaligned<int>(e + 12);
        return new ReadOnlySpan<char>(_firstTerms + off, len);
    }

    /// <summary>The last block whose first term is &lt;= target, or -1 when target precedes every term.</summary>
    public int FindBlock(ReadOnlySpan<char> target)
    {
        int lo = 0, hi = BlockCount - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (BlockFirstTerm(mid).SequenceCompareTo(target) <= 0) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    /// <summary>
    /// Decodes one dictionary entry; <paramref name="term"/> holds the previous term of the block on entry and
    /// <paramref name="termLength"/> its length (0 at the start of a block), for prefix sharing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void DecodeEntry(ref long pos, Span<char> term, ref int termLength, ref TermMeta meta, ref long prevDocFp, ref long prevPosFp)
    {
        byte* tim = Tim;
        int header = tim[pos++];
        int prefix, suffix;
        if (header < 0x80) { prefix = header >> 5; suffix = (header >> 2) & 7; }
        else { prefix = Mem.ReadVInt(tim, ref pos); suffix = Mem.ReadVInt(tim, ref pos); }
        if (suffix > 0)
        {
            int first = Mem.ReadVInt(tim, ref pos);
            term[prefix] = (char)(prefix < termLength ? term[prefix] + first + 1 : first);
            Mem.CopyChars(tim, pos, term[(prefix + 1)..], suffix - 1);
            pos += 2L * (suffix - 1);
        }
        termLength = prefix + suffix;
        int df = (header & 1) != 0 ? 1 : Mem.ReadVInt(tim, ref pos);
        meta.DocFreq = df;
        meta.TotalTermFreq = !Meta.HasFreqs || (header & 2) != 0 ? df : Mem.ReadVLong(tim, ref pos) + df + 1;
        if (df == 1)
        {
            meta.SingletonDoc = Mem.ReadVInt(tim, ref pos);
            meta.DocFp = -1;
        }
        else
        {
            prevDocFp += Mem.ReadVLong(tim, ref pos);
            meta.DocFp = prevDocFp;
        }
        if (Meta.HasPositions)
        {
            if (df == 1 && meta.TotalTermFreq == 1 && Meta.HasFreqs)
            {
                meta.InlinePosition = Mem.ReadVInt(tim, ref pos); // the only position, kept in the entry
                meta.PosFp = -1;
            }
            else
            {
                prevPosFp += Mem.ReadVLong(tim, ref pos);
                meta.PosFp = prevPosFp;
            }
        }
    }

    /// <summary>Recently sought terms, found or not, by hash slot. A query looks each of its terms up several times
    /// per segment (statistics, the scoring pass, its parts, the counting pass) and queries repeat: the slot's
    /// entry is an immutable object, so readers on other threads see a whole entry or the previous one.</summary>
    private readonly SoughtTerm?[] _sought = new SoughtTerm?[SoughtSlots];
    private const int SoughtSlots = 256;

    private sealed class SoughtTerm(string term, bool found, TermMeta meta)
    {
        public readonly string Term = term;
        public readonly bool Found = found;
        public readonly TermMeta Meta = meta;
    }

    public bool SeekExact(ReadOnlySpan<char> target, out TermMeta meta)
    {
        int slot = string.GetHashCode(target) & (SoughtSlots - 1);
        var hit = Volatile.Read(ref _sought[slot]);
        if (hit is not null && target.SequenceEqual(hit.Term))
        {
            meta = hit.Meta;
            return hit.Found;
        }
        bool found = SeekInDictionary(target, out meta);
        if (target.Length <= IndexFormat.MaxTermLength) Volatile.Write(ref _sought[slot], new SoughtTerm(target.ToString(), found, meta));
        return found;
    }

    private bool SeekInDictionary(ReadOnlySpan<char> target, out TermMeta meta)
    {
        meta = default;
        if (target.Length > IndexFormat.MaxTermLength || BlockCount == 0) return false;
        int block = FindBlock(target);
        if (block < 0) return false;
        Span<char> term = stackalloc char[IndexFormat.MaxTermLength + 1];
        long pos = BlockFp(block);
        int count = Mem.ReadVInt(Tim, ref pos);
        long prevDoc = 0, prevPos = 0;
        int len = 0;
        for (int i = 0; i < count; i++)
        {
            DecodeEntry(ref pos, term, ref len, ref meta, ref prevDoc, ref prevPos);
            int c = term[..len].SequenceCompareTo(target);
            if (c == 0) return true;
            if (c > 0) return false;
        }
        return false;
    }
}

/// <summary>Walks a field's terms in ordinal order, block by block.</summary>
internal sealed class SegmentTermsEnum : TermsEnum
{
    private readonly FieldReader _field;
    private readonly char[] _term = new char[IndexFormat.MaxTermLength + 1];
    private int _termLength;
    private TermMeta _meta;
    private int _block = -1;
    private long _pos;
    private int _remaining;
    private long _prevDocFp, _prevPosFp;
    private bool _exhausted;

    public SegmentTermsEnum(FieldReader field) => _field = field;

    public override ReadOnlySpan<char> Term => _term.AsSpan(0, _termLength);
    public override int DocFreq => _meta.DocFreq;
    public override long TotalTermFreq => _meta.TotalTermFreq;
    internal ref readonly TermMeta Meta => ref _meta;

    private bool LoadBlock(int block)
    {
        if (block >= _field.BlockCount) { _exhausted = true; _remaining = 0; return false; }
        _block = block;
        _pos = _field.BlockFp(block);
        unsafe { _remaining = Mem.ReadVInt(_field.Tim, ref _pos); }
        _termLength = 0;
        _prevDocFp = 0;
        _prevPosFp = 0;
        return true;
    }

    public override bool Next()
    {
        if (_exhausted) return false;
        if (_remaining == 0 && !LoadBlock(_block + 1)) return false;
        _field.DecodeEntry(ref _pos, _term, ref _termLength, ref _meta, ref _prevDocFp, ref _prevPosFp);
        _remaining--;
        return true;
    }

    public override bool SeekCeil(ReadOnlySpan<char> target)
    {
        _exhausted = false;
        int block = Math.Max(0, _field.FindBlock(target));
        if (!LoadBlock(block)) return false;
        while (Next())
        {
            if (Term.SequenceCompareTo(target) >= 0) return true;
        }
        return false;
    }

    public override PostingsEnum Postings(bool withPositions) =>
        new SegmentPostingsEnum(_field, in _meta, withPositions && _field.Meta.HasPositions);

    public override PostingsEnum Postings(bool withPositions, PostingsEnum? reuse)
    {
        bool positions = withPositions && _field.Meta.HasPositions;
        if (reuse is not SegmentPostingsEnum e) return new SegmentPostingsEnum(_field, in _meta, positions);
        e.Reset(_field, in _meta, positions);
        return e;
    }
}
