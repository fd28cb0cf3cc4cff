using System.Numerics;
using System.Text;

namespace NewsSearch.Core.Index;

/// <summary>One written file: name, length and CRC-32C, as the commit point records it.</summary>
public readonly record struct IndexFileInfo(string Name, long Length, uint Checksum);

/// <summary>
/// Encodes one immutable segment. Both a flush of the in-memory buffer and a merge drive it with the same
/// sequence: per field (in name order) BeginField, then per term (in ordinal order) AddDoc/AddPosition… FinishTerm,
/// EndField; then norms, doc values, ids; Finish writes the .si and fsyncs every file.
/// Layout of each file: docs/index.md.
/// </summary>
internal sealed class SegmentWriter : IDisposable
{
    private const int BlockSize = IndexFormat.BlockSize;

    private readonly string _folder;
    private readonly SegmentMeta _meta;
    private readonly IndexOutput _tim, _tip, _doc, _pos, _nrm, _dv, _ids;
    private readonly IndexOutput[] _all;
    private bool _finished;

    // Current field.
    private FieldMeta? _field;
    private readonly ulong[] _fieldDocs;
    private readonly List<long> _blockFps = [];
    private readonly List<int> _blockFirstTermOffsets = [];
    private readonly List<int> _blockFirstTermLengths = [];
    private char[] _blockFirstTerms = new char[1024];
    private int _blockFirstTermsUsed;
    private readonly ByteBuffer _termBlock = new();
    private int _termsInBlock;
    private char[] _prevTerm = new char[64];
    private int _prevTermLength;
    private long _prevDocFp, _prevPosFp;
    private long _fieldTimStart, _fieldTipStart, _fieldDocStart, _fieldPosStart;

    // Current term.
    private int _df;
    private long _ttf;
    private int _lastDoc;
    private readonly int[] _docBuf = new int[BlockSize];
    private readonly int[] _freqBuf = new int[BlockSize];
    private readonly int[] _scratch = new int[BlockSize];
    private int _bufCount;
    private int _blockLastDoc;
    private long _termPosFp;
    private long _blockPosFp;
    private int _lastPosition;
    private readonly int[] _posBuf = new int[BlockSize];
    private int _posBufCount;
    private long _termPosCount, _blockPosCount;
    private readonly ByteBuffer _packScratch = new();
    private readonly ByteBuffer _termDocs = new();
    private readonly ByteBuffer _skip = new();
    private int[] _termDocList = new int[BlockSize];   // the current term's docs, for a dense term's bitset
    private ulong[]? _denseBits;
    // Field lengths by doc of a field with freqs and norms: the skip data then carries score bounds (Impacts.cs).
    private int[]? _lengths;
    private readonly ImpactsBuilder _blockImpacts = new();
    private readonly ImpactsBuilder _termImpacts = new();
    private readonly ByteBuffer _termImpactBytes = new();
    private readonly HashSet<string> _impactFields = new(StringComparer.Ordinal);

    public SegmentWriter(string folder, string segmentName, int maxDoc)
    {
        _folder = folder;
        _meta = new SegmentMeta { Name = segmentName, MaxDoc = maxDoc };
        _fieldDocs = new ulong[(maxDoc + 63) / 64];
        IndexOutput Create(string ext) => new(Path.Combine(folder, IndexFormat.SegmentFile(segmentName, ext)), ext);
        var created = new List<IndexOutput>();
        try
        {
            created.Add(_tim = Create(IndexFormat.TermsExt));
            created.Add(_tip = Create(IndexFormat.TermsIndexExt));
            created.Add(_doc = Create(IndexFormat.DocsExt));
            created.Add(_pos = Create(IndexFormat.PositionsExt));
            created.Add(_nrm = Create(IndexFormat.NormsExt));
            created.Add(_dv = Create(IndexFormat.DocValuesExt));
            created.Add(_ids = Create(IndexFormat.IdsExt));
        }
        catch
        {
            foreach (var c in created) c.Dispose();
            throw;
        }
        _all = [.. created];
    }

    public string Name => _meta.Name;
    public int MaxDoc => _meta.MaxDoc;

    /// <summary>Starts a field. <paramref name="lengths"/> (field length by doc) must be given for a field with freqs
    /// whose norms <see cref="WriteNorms"/> will write, and only then: its terms' skip data then holds score bounds.</summary>
    public void BeginField(string name, IndexOptions options, int[]? lengths = null)
    {
        _field = new FieldMeta { Name = name, Options = options };
        _lengths = options >= IndexOptions.DocsAndFreqs ? lengths : null;
        Array.Clear(_fieldDocs);
        _blockFps.Clear();
        _blockFirstTermOffsets.Clear();
        _blockFirstTermLengths.Clear();
        _blockFirstTermsUsed = 0;
        _termBlock.Clear();
        _termsInBlock = 0;
        _prevTermLength = 0;
        _fieldTimStart = _tim.Position;
        _fieldTipStart = _tip.Position;
        _fieldDocStart = _doc.Position;
        _fieldPosStart = _pos.Position;
        StartTerm();
    }

    private void StartTerm()
    {
        _df = 0;
        _ttf = 0;
        _lastDoc = -1;
        _bufCount = 0;
        _blockLastDoc = -1;
        _termPosFp = _pos.Position;
        _blockPosFp = _termPosFp;
        _posBufCount = 0;
        _termPosCount = 0;
        _blockPosCount = 0;
        _termDocs.Clear();
        _skip.Clear();
        _termImpacts.Clear();
    }

    private int LengthOf(int doc) => doc < _lengths!.Length ? _lengths[doc] : 0;

    /// <summary>Adds a doc (ascending) of the current term; then call <see cref="AddPosition"/> freq times for positional fields.</summary>
    public void AddDoc(int doc, int freq)
    {
        if (_bufCount == BlockSize) FlushDocBlock();
        _docBuf[_bufCount] = doc;
        _freqBuf[_bufCount] = freq;
        _bufCount++;
        _df++;
        _ttf += freq;
        _lastDoc = doc;
        _lastPosition = 0;
        _fieldDocs[doc >> 6] |= 1UL << doc;
        if (_df > _termDocList.Length) Array.Resize(ref _termDocList, _termDocList.Length * 2);
        _termDocList[_df - 1] = doc;
    }

    public void AddPosition(int position)
    {
        _posBuf[_posBufCount++] = position - _lastPosition;
        _lastPosition = position;
        _termPosCount++;
        if (_posBufCount == BlockSize)
        {
            // Positions go in blocks of 128 (across docs), bit-packed; the term's last < 128 as vInts.
            _packScratch.Clear();
            BitPacking.Pack(_posBuf, _packScratch);
            _pos.WriteBytes(_packScratch.Span);
            _posBufCount = 0;
        }
    }

    private void FlushDocBlock()
    {
        int prev = _blockLastDoc;
        for (int i = 0; i < BlockSize; i++) { _scratch[i] = _docBuf[i] - prev - 1; prev = _docBuf[i]; }
        int start = _termDocs.Length;
        BitPacking.Pack(_scratch, _termDocs);
        if (_field!.HasFreqs)
        {
            for (int i = 0; i < BlockSize; i++) _scratch[i] = _freqBuf[i] - 1;
            BitPacking.Pack(_scratch, _termDocs);
        }
        _skip.WriteVInt(prev - _blockLastDoc);
        _skip.WriteVInt(_termDocs.Length - start);
        if (_field.HasPositions)
        {
            // Where the next doc's positions start: the pending position block's file offset, the index within it,
            // and how many positions the 128 docs had.
            long posNow = _pos.Position;
            _skip.WriteVLong((ulong)(posNow - _blockPosFp));
            _skip.WriteVInt(_posBufCount);
            _skip.WriteVLong((ulong)(_termPosCount - _blockPosCount));
            _blockPosFp = posNow;
            _blockPosCount = _termPosCount;
        }
        if (_lengths is not null)
        {
            _blockImpacts.Clear();
            for (int i = 0; i < BlockSize; i++) _blockImpacts.Add(_freqBuf[i], LengthOf(_docBuf[i]));
            for (int i = 0; i < _blockImpacts.Count; i++) _termImpacts.Add(_blockImpacts[i].Freq, _blockImpacts[i].Length);
            _blockImpacts.WriteTo(_skip);
        }
        _blockLastDoc = prev;
        _bufCount = 0;
    }

    /// <summary>Ends the current term; a term whose docs were all dropped (df 0) is not written.</summary>
    public void FinishTerm(ReadOnlySpan<char> term)
    {
        var f = _field!;
        if (_df == 0) { StartTerm(); return; }
        if (_bufCount == BlockSize && _df > 1) FlushDocBlock(); // a full last block is packed, not left as a tail
        // A term with one occurrence in one doc keeps its position in the dictionary entry, not in .pos.
        bool inlinePosition = f.HasPositions && f.HasFreqs && _df == 1 && _ttf == 1;
        int onlyPosition = inlinePosition ? _posBuf[0] : 0;
        if (!inlinePosition)
            for (int i = 0; i < _posBufCount; i++) _pos.WriteVInt(_posBuf[i]);
        _posBufCount = 0;
        long docFp = -1;
        int singleton = -1;
        if (_df == 1)
        {
            singleton = _docBuf[0]; // pulsed: the doc lives in the term dictionary
        }
        else
        {
            int prev = _blockLastDoc;
            for (int i = 0; i < _bufCount; i++)
            {
                int delta = _docBuf[i] - prev - 1;
                prev = _docBuf[i];
                if (f.HasFreqs)
                {
                    int freq = _freqBuf[i];
                    _termDocs.WriteVInt((delta << 1) | (freq == 1 ? 1 : 0));
                    if (freq != 1) _termDocs.WriteVInt(freq);
                }
                else _termDocs.WriteVInt(delta);
            }
            docFp = _doc.Position;
            if (IndexFormat.IsDense(_df, _meta.MaxDoc)) WriteDenseDocs();
            if (_df >= BlockSize)
            {
                _termImpactBytes.Clear();
                if (_lengths is not null)
                {
                    // The whole term's bounds go in front of the block entries.
                    for (int i = 0; i < _bufCount; i++) _termImpacts.Add(_freqBuf[i], LengthOf(_docBuf[i]));
                    _termImpacts.WriteTo(_termImpactBytes);
                }
                _doc.WriteVInt(_termImpactBytes.Length + _skip.Length);
                _doc.WriteBytes(_termImpactBytes.Span);
                _doc.WriteBytes(_skip.Span);
            }
            _doc.WriteBytes(_termDocs.Span);
        }

        // Term dictionary entry, prefix-compressed against the previous term of the block.
        if (_termsInBlock == TermBlockSizeLimit) FlushTermBlock();
        int prefix = 0;
        if (_termsInBlock == 0)
        {
            _blockFirstTermOffsets.Add(_blockFirstTermsUsed);
            _blockFirstTermLengths.Add(term.Length);
            if (_blockFirstTermsUsed + term.Length > _blockFirstTerms.Length)
                Array.Resize(ref _blockFirstTerms, Math.Max(_blockFirstTerms.Length * 2, _blockFirstTermsUsed + term.Length));
            term.CopyTo(_blockFirstTerms.AsSpan(_blockFirstTermsUsed));
            _blockFirstTermsUsed += term.Length;
            _prevDocFp = 0;
            _prevPosFp = 0;
        }
        else
        {
            int max = Math.Min(_prevTermLength, term.Length);
            while (prefix < max && _prevTerm[prefix] == term[prefix]) prefix++;
        }
        // Entry header (format 4): one byte for short prefix/suffix (bit 7 clear: prefix << 5 | suffix << 2 | flags),
        // else 0x80 | flags then vInt prefix and suffix lengths. Flags: 1 = docFreq is 1, 2 = totalTermFreq equals
        // docFreq (freq fields). The first suffix char is a vInt delta above the previous term's char at that index
        // (terms are sorted, so it is larger; bigram terms sharing their first char then cost one byte, not two),
        // the rest raw UTF-16.
        int suffixLength = term.Length - prefix;
        int prevLength = _termsInBlock == 0 ? 0 : _prevTermLength;
        int flags = (_df == 1 ? 1 : 0) | (f.HasFreqs && _ttf == _df ? 2 : 0);
        if (prefix < 4 && suffixLength < 8) _termBlock.WriteByte((byte)(prefix << 5 | suffixLength << 2 | flags));
        else
        {
            _termBlock.WriteByte((byte)(0x80 | flags));
            _termBlock.WriteVInt(prefix);
            _termBlock.WriteVInt(suffixLength);
        }
        if (suffixLength > 0)
        {
            _termBlock.WriteVInt(prefix < prevLength ? term[prefix] - _prevTerm[prefix] - 1 : term[prefix]);
            var rest = term[(prefix + 1)..];
            var dst = _termBlock.Append(rest.Length * 2);
            for (int i = 0; i < rest.Length; i++) { dst[2 * i] = (byte)rest[i]; dst[2 * i + 1] = (byte)(rest[i] >> 8); }
        }
        if ((flags & 1) == 0) _termBlock.WriteVInt(_df);
        if (f.HasFreqs && (flags & 2) == 0) _termBlock.WriteVLong((ulong)(_ttf - _df - 1));
        if (_df == 1) _termBlock.WriteVInt(singleton);
        else { _termBlock.WriteVLong((ulong)(docFp - _prevDocFp)); _prevDocFp = docFp; }
        if (inlinePosition) _termBlock.WriteVInt(onlyPosition);
        else if (f.HasPositions) { _termBlock.WriteVLong((ulong)(_termPosFp - _prevPosFp)); _prevPosFp = _termPosFp; }
        _termsInBlock++;
        if (term.Length > _prevTerm.Length) _prevTerm = new char[Math.Max(term.Length, _prevTerm.Length * 2)];
        term.CopyTo(_prevTerm);
        _prevTermLength = term.Length;

        f.TermCount++;
        f.SumDocFreq += _df;
        f.SumTotalTermFreq += f.HasFreqs ? _ttf : _df;
        StartTerm();
    }

    private const int TermBlockSizeLimit = IndexFormat.TermBlockSize;

    /// <summary>The current term's docs as a bitset (<see cref="IndexFormat.IsDense"/>), in front of its postings.</summary>
    private void WriteDenseDocs()
    {
        var bits = _denseBits ??= new ulong[(_meta.MaxDoc + 63) >> 6];
        for (int i = 0; i < _df; i++)
        {
            int d = _termDocList[i];
            bits[d >> 6] |= 1UL << d;
        }
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(bits.AsSpan());
        if (!BitConverter.IsLittleEndian)
            for (int w = 0; w < bits.Length; w++) bits[w] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(bits[w]);
        _doc.WriteBytes(bytes);
        Array.Clear(bits);
    }

    private void FlushTermBlock()
    {
        if (_termsInBlock == 0) return;
        _blockFps.Add(_tim.Position);
        _tim.WriteVInt(_termsInBlock);
        _tim.WriteBytes(_termBlock.Span);
        _termBlock.Clear();
        _termsInBlock = 0;
    }

    public void EndField()
    {
        var f = _field!;
        if (_lengths is not null) _impactFields.Add(f.Name);
        FlushTermBlock();
        _tip.Align(8);
        f.TermsIndexOffset = _tip.Position;
        int blocks = _blockFps.Count;
        _tip.WriteInt32(blocks);
        _tip.WriteInt32(0);
        for (int i = 0; i < blocks; i++)
        {
            _tip.WriteInt64(_blockFps[i]);
            _tip.WriteInt32(_blockFirstTermOffsets[i]);
            _tip.WriteInt32(_blockFirstTermLengths[i]);
        }
        _tip.WriteChars(_blockFirstTerms.AsSpan(0, _blockFirstTermsUsed));
        int docCount = 0;
        foreach (ulong w in _fieldDocs) docCount += BitOperations.PopCount(w);
        f.DocCount = docCount;
        f.TermBytes = _tim.Position - _fieldTimStart + _tip.Position - _fieldTipStart;
        f.DocBytes = _doc.Position - _fieldDocStart;
        f.PosBytes = _pos.Position - _fieldPosStart;
        _meta.Fields.Add(f);
        _field = null;
    }

    /// <summary>Field lengths of a text field (call after its EndField, or for a field without terms).</summary>
    public void WriteNorms(string field, ReadOnlySpan<int> lengths)
    {
        var f = _meta.Fields.Find(x => x.Name == field);
        // Readers expect score bounds in the skip data of exactly the fields with freqs and norms.
        if (f is not null && f.HasFreqs && !_impactFields.Contains(field))
            throw new InvalidOperationException($"field '{field}' has norms: its lengths must be given to BeginField");
        if (f is null)
        {
            f = new FieldMeta { Name = field, Options = IndexOptions.DocsFreqsPositions };
            _meta.Fields.Add(f);
        }
        int max = 0;
        foreach (int l in lengths) max = Math.Max(max, l);
        byte width = max <= byte.MaxValue ? (byte)1 : max <= ushort.MaxValue ? (byte)2 : (byte)4;
        _nrm.Align(4);
        f.HasNorms = true;
        f.NormsOffset = _nrm.Position;
        f.NormsWidth = width;
        for (int d = 0; d < MaxDoc; d++)
        {
            int v = d < lengths.Length ? lengths[d] : 0;
            switch (width)
            {
                case 1: _nrm.WriteByte((byte)v); break;
                case 2: _nrm.WriteInt16((short)(ushort)v); break;
                default: _nrm.WriteInt32(v); break;
            }
        }
    }

    /// <summary>A numeric column; <see cref="long.MinValue"/> marks a doc without a value.</summary>
    public void WriteNumeric(string field, ReadOnlySpan<long> values)
    {
        long min = long.MaxValue, max = long.MinValue;
        bool any = false;
        for (int d = 0; d < MaxDoc; d++)
        {
            long v = d < values.Length ? values[d] : long.MinValue;
            if (v == long.MinValue) continue;
            any = true;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (!any) { min = 0; max = 0; }
        ulong range = (ulong)(max - min) + 1; // stored = v - min + 1, 0 = missing
        byte width = range < byte.MaxValue ? (byte)1 : range < ushort.MaxValue ? (byte)2 : range < uint.MaxValue ? (byte)4 : (byte)8;
        _dv.Align(8);
        long offset = _dv.Position;
        for (int d = 0; d < MaxDoc; d++)
        {
            long v = d < values.Length ? values[d] : long.MinValue;
            if (width == 8) { _dv.WriteInt64(v); continue; }
            ulong s = v == long.MinValue ? 0 : (ulong)(v - min) + 1;
            switch (width)
            {
                case 1: _dv.WriteByte((byte)s); break;
                case 2: _dv.WriteInt16((short)(ushort)s); break;
                default: _dv.WriteUInt32((uint)s); break;
            }
        }
        _meta.Numerics.Add(new NumericColumnMeta { Name = field, Offset = offset, Width = width, Min = min });
    }

    /// <summary>A sorted column from distinct values in ordinal order and per-doc ordinals (-1 = missing).</summary>
    public void WriteSorted(string field, IReadOnlyList<string> sortedValues, ReadOnlySpan<int> ords)
    {
        int count = sortedValues.Count;
        byte width = count < byte.MaxValue ? (byte)1 : count < ushort.MaxValue ? (byte)2 : (byte)4;
        _dv.Align(4);
        long ordsOffset = _dv.Position;
        for (int d = 0; d < MaxDoc; d++)
        {
            int s = (d < ords.Length ? ords[d] : -1) + 1;
            switch (width)
            {
                case 1: _dv.WriteByte((byte)s); break;
                case 2: _dv.WriteInt16((short)(ushort)s); break;
                default: _dv.WriteInt32(s); break;
            }
        }
        _dv.Align(4);
        long valuesOffset = _dv.Position;
        int chars = 0;
        _dv.WriteInt32(0);
        foreach (var v in sortedValues) { chars += v.Length; _dv.WriteInt32(chars); }
        foreach (var v in sortedValues) _dv.WriteChars(v);
        _meta.Sorted.Add(new SortedColumnMeta
        {
            Name = field, OrdsOffset = ordsOffset, OrdWidth = width, ValueCount = count, ValuesOffset = valuesOffset,
        });
    }

    /// <summary>A sorted column from per-doc strings (null = missing).</summary>
    public void WriteSorted(string field, ReadOnlySpan<string?> perDoc)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var s in perDoc) if (s is not null) set.Add(s);
        var values = set.ToList();
        var ordOf = new Dictionary<string, int>(values.Count, StringComparer.Ordinal);
        for (int i = 0; i < values.Count; i++) ordOf[values[i]] = i;
        var ords = new int[MaxDoc];
        for (int d = 0; d < MaxDoc; d++) ords[d] = d < perDoc.Length && perDoc[d] is { } s ? ordOf[s] : -1;
        WriteSorted(field, values, ords);
    }

    /// <summary>Stored article ids: int byte-offsets[maxDoc+1], then UTF-8.</summary>
    public void WriteIds(Func<int, string> idOf)
    {
        _ids.Align(4);
        _meta.IdsOffset = _ids.Position;
        var bytes = new ByteBuffer();
        _ids.WriteInt32(0);
        Span<byte> tmp = stackalloc byte[1024];
        for (int d = 0; d < MaxDoc; d++)
        {
            string id = idOf(d);
            int n = Encoding.UTF8.GetByteCount(id);
            if (n <= tmp.Length)
            {
                Encoding.UTF8.GetBytes(id, tmp);
                tmp[..n].CopyTo(bytes.Append(n));
            }
            else Encoding.UTF8.GetBytes(id).CopyTo(bytes.Append(n));
            _ids.WriteInt32(bytes.Length);
        }
        _ids.WriteBytes(bytes.Span);
    }

    /// <summary>Writes the .si, fsyncs all files and returns them (the segment is complete but not yet committed).</summary>
    public List<IndexFileInfo> Finish()
    {
        foreach (var name in _impactFields)
            if (_meta.Fields.Find(x => x.Name == name) is { HasNorms: false })
                throw new InvalidOperationException($"field '{name}' was given lengths but no norms were written");
        _meta.Fields.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var files = new List<IndexFileInfo>();
        foreach (var o in _all) { o.Finish(); files.Add(new IndexFileInfo(Path.GetFileName(o.Path), o.Length, o.Checksum)); }
        using (var si = new IndexOutput(Path.Combine(_folder, IndexFormat.SegmentFile(Name, IndexFormat.SegmentInfoExt)), IndexFormat.SegmentInfoExt))
        {
            _meta.Write(si);
            si.Finish();
            files.Add(new IndexFileInfo(Path.GetFileName(si.Path), si.Length, si.Checksum));
        }
        _finished = true;
        return files;
    }

    public void Dispose()
    {
        foreach (var o in _all) o.Dispose(); // unfinished files are deleted by IndexOutput.Dispose
        if (!_finished)
        {
            try { File.Delete(Path.Combine(_folder, IndexFormat.SegmentFile(Name, IndexFormat.SegmentInfoExt))); }
            catch (IOException) { }
        }
    }
}
