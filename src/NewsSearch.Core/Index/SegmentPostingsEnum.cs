using System.Runtime.Intrinsics;
namespace NewsSearch.Core.Index;

/// <summary>
/// Decodes one term's postings: packed 128-doc blocks (doc delta-1, freq-1), a vInt tail, a single-level skip list
/// in front (per full block: last doc, block bytes, position bytes) used by <see cref="Advance"/>, and positions
/// (vInt deltas per doc) read lazily: positions of docs passed over are skipped only when a position is asked for.
/// </summary>
internal sealed unsafe class SegmentPostingsEnum : PostingsEnum
{
    private const int BlockSize = IndexFormat.BlockSize;
    // Everything below is per term: Reset re-targets a used enum at another term (any field, any segment),
    // so a prefix expansion over thousands of terms allocates one enum instead of one per term.
    private byte* _doc;
    private byte* _pos;
    private ulong* _dense;      // a dense term's doc bitset (IndexFormat.IsDense), else null
    private int _denseWords;
    private bool _hasFreqs;
    private bool _fieldHasPositions;
    private bool _withPositions;
    private int _df;

    private readonly int[] _docs = new int[BlockSize];
    private readonly int[] _freqs = new int[BlockSize];
    private int _bufIdx, _bufCount;
    private int _docId;
    private int _docsLoaded;
    private long _freqPtr;       // the current full block's packed freqs, when not decoded yet
    private bool _freqsPending;

    private int _numFull;
    private int _blockIndex;
    private long _docPtr;
    private int _prevLastDoc;

    private long _skipPtr;
    private int _skipIdx;
    private int _skipLastDoc;
    private long _skipDocPtr, _skipPosPtr;
    private bool _peeked;
    private int _peekLastDoc, _peekDocLen, _peekPosUpto;
    private long _peekPosLen, _peekPosCount;
    private long _skipPosCount;
    private int _lastSkipPosUpto;
    // Score bounds (Impacts.cs) in the skip data of fields with freqs and norms: the term's in front of the block
    // entries (-1: none), and the peeked block's.
    private bool _hasImpacts;
    private long _termImpactsPtr;
    private long _peekImpactsPtr;

    // Positions: 128-value packed blocks across docs, then a vInt tail; decoded into _posBuf on demand.
    private long _ttf;
    private long _posPtr;      // next undecoded position block (or tail) in .pos
    private long _posIndex;    // index (within the term) of the first position not yet in _posBuf
    private int[]? _posBuf;
    private int _posBufIdx, _posBufCount;
    private long _posToSkip;
    private int _posLeft, _lastPos;

    // Field lengths fetched ahead (PrefetchLengths): null when off.
    private byte* _prefetch;
    private int _prefetchShift;
    private const int PrefetchAhead = 8;

    public SegmentPostingsEnum(FieldReader field, in TermMeta meta, bool withPositions) =>
        Reset(field, in meta, withPositions);

    /// <summary>Positions this enum on another term, as a new enum would be (buffers are kept).</summary>
    public void Reset(FieldReader field, in TermMeta meta, bool withPositions)
    {
        _doc = field.Core.Doc.Pointer;
        _pos = field.Core.Pos.Pointer;
        _hasFreqs = field.Meta.HasFreqs;
        _fieldHasPositions = field.Meta.HasPositions;
        _withPositions = withPositions;
        _prefetch = null;
        _hasImpacts = field.Meta.HasFreqs && field.Meta.HasNorms;
        _termImpactsPtr = -1;
        _df = meta.DocFreq;
        _ttf = meta.TotalTermFreq;
        _dense = null;
        _posPtr = meta.PosFp;
        if (withPositions) _posBuf ??= new int[BlockSize];
        _bufIdx = -1;
        _docId = -1;
        _prevLastDoc = -1;
        _freqsPending = false;
        _blockIndex = 0;
        _skipIdx = 0;
        _skipLastDoc = -1;
        _peeked = false;
        _skipPosCount = 0;
        _lastSkipPosUpto = 0;
        _posIndex = 0;
        _posBufIdx = _posBufCount = 0;
        _posToSkip = 0;
        _posLeft = _lastPos = 0;
        if (meta.DocFp < 0)
        {
            _docs[0] = meta.SingletonDoc;
            _freqs[0] = (int)meta.TotalTermFreq;
            _bufCount = 1;
            _docsLoaded = 1;
            _numFull = 0;
            _docPtr = _skipPtr = _skipDocPtr = _skipPosPtr = 0;
            if (meta.PosFp < 0 && withPositions)
            {
                // One occurrence: its position came with the dictionary entry; nothing to read from .pos.
                _posBuf![0] = meta.InlinePosition;
                _posBufCount = 1;
                _posIndex = 1;
            }
            return;
        }
        _bufCount = 0;
        _docsLoaded = 0;
        long p = meta.DocFp;
        int maxDoc = field.Core.MaxDoc;
        if (IndexFormat.IsDense(_df, maxDoc))
        {
            _dense = (ulong*)(_doc + p);
            _denseWords = (maxDoc + 63) >> 6;
            p += IndexFormat.DenseDocsBytes(maxDoc);
        }
        _numFull = _df / BlockSize;
        _skipPtr = 0;
        if (_numFull > 0)
        {
            int skipLen = Mem.ReadVInt(_doc, ref p);
            _skipPtr = p;
            p += skipLen;
            if (_hasImpacts)
            {
                _termImpactsPtr = _skipPtr;
                ImpactsBuilder.Skip(_doc, ref _skipPtr);
            }
        }
        _docPtr = p;
        _skipDocPtr = p;
        _skipPosPtr = meta.PosFp;
    }

    public override int DocId => _docId;
    public override int Freq
    {
        get
        {
            if (_freqsPending) DecodeFreqs();
            return _freqs[_bufIdx];
        }
    }

    private void DecodeFreqs()
    {
        _freqsPending = false;
        long p = _freqPtr;
        BitPacking.Unpack(_doc, ref p, _freqs);
        for (int i = 0; i < BlockSize; i++) _freqs[i]++;
    }
    public override long Cost => _df;

    private bool Refill()
    {
        _freqsPending = false;
        if (_docsLoaded >= _df) return false;
        int prev = _prevLastDoc;
        if (_blockIndex < _numFull)
        {
            BitPacking.Unpack(_doc, ref _docPtr, _docs);
            for (int i = 0; i < BlockSize; i++) { prev += _docs[i] + 1; _docs[i] = prev; }
            if (!_hasFreqs) Array.Fill(_freqs, 1);
            else if (_withPositions)
            {
                BitPacking.Unpack(_doc, ref _docPtr, _freqs);
                for (int i = 0; i < BlockSize; i++) _freqs[i]++;
            }
            else
            {
                // Decoded on the first Freq of this block: leapfrogging lands on many docs it never scores.
                _freqPtr = _docPtr;
                _freqsPending = true;
                BitPacking.Skip(_doc, ref _docPtr);
            }
            _bufCount = BlockSize;
        }
        else
        {
            int n = _df - _docsLoaded;
            for (int i = 0; i < n; i++)
            {
                int code = Mem.ReadVInt(_doc, ref _docPtr);
                int freq = 1;
                if (_hasFreqs)
                {
                    if ((code & 1) == 0) freq = Mem.ReadVInt(_doc, ref _docPtr);
                    code >>>= 1;
                }
                prev += code + 1;
                _docs[i] = prev;
                _freqs[i] = freq;
            }
            _bufCount = n;
        }
        _docsLoaded += _bufCount;
        _prevLastDoc = prev;
        _blockIndex++;
        _bufIdx = -1;
        return true;
    }

    /// <summary>Docs-only union: a dense term ORs its bitset in; others unpack doc blocks straight into the bitset
    /// and skip freq blocks undecoded.</summary>
    public override void IntoBitSet(ulong[] bits)
    {
        if (_dense is not null)
        {
            if (_docId != NoMoreDocs) OrDense(bits, _docId + 1);
            _docsLoaded = _df;
            _bufIdx = _bufCount = 0;
            _blockIndex = _numFull;
            _posLeft = 0;
            _docId = NoMoreDocs;
            return;
        }
        for (int i = _bufIdx + 1; i < _bufCount; i++)
        {
            int d = _docs[i];
            bits[d >> 6] |= 1UL << d;
        }
        int prev = _prevLastDoc;
        var docs = _docs;
        while (_blockIndex < _numFull && _docsLoaded < _df)
        {
            BitPacking.Unpack(_doc, ref _docPtr, docs);
            // A dense term sets many bits of one word in a row: OR them in a register and store once per word,
            // so consecutive docs do not wait on each other's store to the same word.
            int word = (prev + docs[0] + 1) >> 6;
            ulong acc = 0;
            for (int i = 0; i < BlockSize; i++)
            {
                prev += docs[i] + 1;
                int w = prev >> 6;
                if (w != word)
                {
                    bits[word] |= acc;
                    word = w;
                    acc = 0;
                }
                acc |= 1UL << prev;
            }
            bits[word] |= acc;
            if (_hasFreqs) BitPacking.Skip(_doc, ref _docPtr);
            _blockIndex++;
            _docsLoaded += BlockSize;
        }
        for (int n = _df - _docsLoaded; n > 0; n--)
        {
            int code = Mem.ReadVInt(_doc, ref _docPtr);
            if (_hasFreqs)
            {
                if ((code & 1) == 0) Mem.SkipVInts(_doc, ref _docPtr, 1);
                code >>>= 1;
            }
            prev += code + 1;
            bits[prev >> 6] |= 1UL << prev;
        }
        _docsLoaded = _df;
        _prevLastDoc = prev;
        _bufIdx = _bufCount = 0;
        _posLeft = 0;
        _docId = NoMoreDocs;
    }

    /// <summary>ORs the dense bitset's docs from <paramref name="from"/> on into <paramref name="bits"/>.</summary>
    private void OrDense(ulong[] bits, int from)
    {
        int w = from >> 6;
        if (w >= _denseWords) return;
        var src = new ReadOnlySpan<ulong>(_dense, _denseWords);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("dense postings are little-endian");
        bits[w] |= src[w] & (ulong.MaxValue << (from & 63));
        w++;
        var dst = bits.AsSpan(w, _denseWords - w);
        var rest = src[w..];
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int n = System.Numerics.Vector<ulong>.Count;
            for (; i + n <= rest.Length; i += n)
                (new System.Numerics.Vector<ulong>(dst[i..]) | new System.Numerics.Vector<ulong>(rest[i..])).CopyTo(dst[i..]);
        }
        for (; i < rest.Length; i++) dst[i] |= rest[i];
    }

    public override int NextDoc()
    {
        if (++_bufIdx >= _bufCount)
        {
            if (!Refill()) { _bufIdx = _bufCount; return _docId = NoMoreDocs; }
            _bufIdx = 0;
            if (_prefetch != null) PrefetchFirst();
        }
        if (_prefetch != null) PrefetchAt(_bufIdx + PrefetchAhead);
        if (_withPositions)
        {
            _posToSkip += _posLeft;
            _posLeft = _freqs[_bufIdx];
            _lastPos = 0;
        }
        return _docId = _docs[_bufIdx];
    }

    public override int Advance(int target)
    {
        if (_docId >= target) return _docId;
        if (_numFull > 0 && (_bufCount == 0 || target > _docs[_bufCount - 1])) SkipBlocks(target);
        while (true)
        {
            int start = _bufIdx + 1;
            if (start < _bufCount)
            {
                // Land on the first buffered doc >= target in one search (a leapfrog's targets lie tens of docs
                // apart in a common term's postings: stepping doc by doc was most of a phrase's candidate cost),
                // passing the skipped docs' positions on to be skipped, as NextDoc does one by one.
                int end = _docs[_bufCount - 1] >= target ? start + CountBelow(_docs.AsSpan(start, _bufCount - start), target) : _bufCount;
                if (_withPositions)
                {
                    _posToSkip += _posLeft + SumOf(_freqs.AsSpan(start, end - start));
                    _posLeft = 0;
                    _lastPos = 0;
                }
                if (end < _bufCount)
                {
                    _bufIdx = end;
                    if (_prefetch != null) PrefetchAt(end + PrefetchAhead);
                    if (_withPositions) _posLeft = _freqs[end];
                    return _docId = _docs[end];
                }
                _bufIdx = _bufCount - 1;
            }
            // The buffer is used up: the next block (the skip list stopped at target's block, or the tail).
            int d = NextDoc();
            if (d >= target) return d;
        }
    }

    public override void PrefetchLengths(in FieldLengths lengths)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || !lengths.TryGetMapped(out byte* norms, out int shift)) return;
        _prefetch = norms;
        _prefetchShift = shift;
        if (_bufIdx + 1 < _bufCount)
            for (int i = _bufIdx + 1; i <= _bufIdx + PrefetchAhead; i++) PrefetchAt(i);
    }

    // The lengths of a new block's first docs: the walk lands on them next.
    private void PrefetchFirst()
    {
        for (int i = 1; i < PrefetchAhead; i++) PrefetchAt(i);
    }

    private void PrefetchAt(int i)
    {
        if (i < _bufCount) System.Runtime.Intrinsics.X86.Sse.Prefetch0(_prefetch + ((long)_docs[i] << _prefetchShift));
    }

    /// <summary>How many of <paramref name="sorted"/> (ascending) are below <paramref name="target"/>.</summary>
    private static int CountBelow(ReadOnlySpan<int> sorted, int target)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(target);
            ref int first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(sorted);
            for (; i + 8 <= sorted.Length; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref first, (nuint)i);
                uint below = Vector256.LessThan(v, t).ExtractMostSignificantBits();
                if (below != 0xFF) return i + System.Numerics.BitOperations.PopCount(below);
            }
        }
        while (i < sorted.Length && sorted[i] < target) i++;
        return i;
    }

    private static long SumOf(ReadOnlySpan<int> values)
    {
        long sum = 0;
        foreach (int v in values) sum += v;
        return sum;
    }

    /// <summary>Moves the skip cursor (not the decoded position) to the first block whose last doc is &gt;= target.</summary>
    private void MoveSkipCursor(int target)
    {
        while (_skipIdx < _numFull)
        {
            if (!_peeked)
            {
                long p = _skipPtr;
                _peekLastDoc = _skipLastDoc + Mem.ReadVInt(_doc, ref p);
                _peekDocLen = Mem.ReadVInt(_doc, ref p);
                if (_fieldHasPositions)
                {
                    _peekPosLen = Mem.ReadVLong(_doc, ref p);
                    _peekPosUpto = Mem.ReadVInt(_doc, ref p);
                    _peekPosCount = Mem.ReadVLong(_doc, ref p);
                }
                if (_hasImpacts)
                {
                    _peekImpactsPtr = p;
                    ImpactsBuilder.Skip(_doc, ref p);
                }
                _skipPtr = p;
                _peeked = true;
            }
            if (_peekLastDoc >= target) break;
            _skipLastDoc = _peekLastDoc;
            _lastSkipPosUpto = _peekPosUpto;
            _skipDocPtr += _peekDocLen;
            _skipPosPtr += _peekPosLen;
            _skipPosCount += _peekPosCount;
            _skipIdx++;
            _peeked = false;
        }
    }

    private void SkipBlocks(int target)
    {
        MoveSkipCursor(target);
        // The cursor may stand past target's block (BlockImpacts looked further ahead): then scan from where we are.
        if (_skipIdx > _blockIndex && _skipLastDoc < target)
        {
            _blockIndex = _skipIdx;
            _docPtr = _skipDocPtr;
            _prevLastDoc = _skipLastDoc;
            _docsLoaded = _skipIdx * BlockSize;
            _bufCount = 0;
            _bufIdx = -1;
            if (_withPositions)
            {
                // The next doc's positions start _peekPosUpto values into the block at _skipPosPtr.
                _posPtr = _skipPosPtr;
                _posIndex = _skipPosCount - _lastSkipPosUpto;
                _posBufIdx = _posBufCount = 0;
                _posToSkip = _lastSkipPosUpto;
                _posLeft = 0;
            }
        }
    }

    public override int TermImpacts(Span<Impact> into)
    {
        if (_termImpactsPtr < 0) return 0;
        long p = _termImpactsPtr;
        return ImpactsBuilder.Read(_doc, ref p, into);
    }

    public override int BlockImpacts(int target, Span<Impact> into, out int count)
    {
        count = 0;
        if (!_hasImpacts || _numFull == 0) return NoMoreDocs;
        MoveSkipCursor(target);
        if (_skipIdx >= _numFull) return NoMoreDocs; // the tail has no entry
        long p = _peekImpactsPtr;
        count = ImpactsBuilder.Read(_doc, ref p, into);
        return _peekLastDoc;
    }

    public override int NextPosition()
    {
        if (_posToSkip > 0) SkipPositions();
        if (_posBufIdx == _posBufCount) RefillPositions();
        _posLeft--;
        _lastPos += _posBuf![_posBufIdx++];
        return _lastPos;
    }

    private void RefillPositions()
    {
        var buf = _posBuf!;
        if (_ttf - _posIndex >= BlockSize)
        {
            BitPacking.Unpack(_pos, ref _posPtr, buf);
            _posBufCount = BlockSize;
        }
        else
        {
            int n = (int)(_ttf - _posIndex);
            for (int i = 0; i < n; i++) buf[i] = Mem.ReadVInt(_pos, ref _posPtr);
            _posBufCount = n;
        }
        _posIndex += _posBufCount;
        _posBufIdx = 0;
    }

    /// <summary>Skips the positions of docs passed over: whole packed blocks without decoding them.</summary>
    private void SkipPositions()
    {
        long n = _posToSkip;
        _posToSkip = 0;
        while (n > 0)
        {
            int avail = _posBufCount - _posBufIdx;
            if (n <= avail) { _posBufIdx += (int)n; return; }
            n -= avail;
            _posBufIdx = _posBufCount;
            if (n >= BlockSize && _ttf - _posIndex >= BlockSize)
            {
                BitPacking.Skip(_pos, ref _posPtr);
                _posIndex += BlockSize;
                n -= BlockSize;
            }
            else RefillPositions();
        }
    }
}
