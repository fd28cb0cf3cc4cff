namespace NewsSearch.Core.Index;

/// <summary>
/// Reading the buffer in place, for a writer that is not the native <see cref="SegmentWriter"/>: the Lucene engine
/// inverts with this buffer and hands its contents to Lucene's codec as a reader (Lucene's <c>AddIndexes</c>), so
/// its segments are written by Lucene. What is read is what <see cref="Flush"/> would write.
/// </summary>
internal sealed partial class DocumentsBuffer
{
    /// <summary>The buffered fields, in no particular order.</summary>
    public IEnumerable<BufferedField> BufferedFields => _fields.Values;

    /// <summary>Buffered document ids by doc number (superseded docs included: see <see cref="DeletedDocNumbers"/>).</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>Docs superseded or deleted while still in the buffer.</summary>
    public IReadOnlyList<int> DeletedDocNumbers => _deletedDocs;

    /// <summary>Numeric doc values by field: one value per doc, <see cref="long.MinValue"/> where a doc has none.</summary>
    public IReadOnlyDictionary<string, long[]> NumericValues => _numerics;

    /// <summary>Sorted doc values by field: one value per doc, null where a doc has none.</summary>
    public IReadOnlyDictionary<string, string?[]> SortedValues => _sorted;

    /// <summary>
    /// Indexes <paramref name="text"/> as a term of the untokenized field <paramref name="field"/> (doc ids only)
    /// in buffered doc <paramref name="doc"/>: keyword terms a writer adds beside <see cref="Add"/>'s fields.
    /// </summary>
    public void AddKeyword(string field, ReadOnlySpan<char> text, int doc)
    {
        if (text.Length == 0 || text.Length > IndexFormat.MaxTermLength) return;
        Span<char> copy = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        text.CopyTo(copy);
        if (_codePointTerms) ReplaceUnpairedSurrogates(copy);
        AddTerm(GetField(field, IndexOptions.Docs, false), copy, doc, 0);
    }

    /// <summary>The field's term ids in sorted order (code point order for a code-point buffer).</summary>
    public int[] SortedTermIds(BufferedField field) => SortTerms(field);

    public ReadOnlySpan<char> TermText(BufferedField field, int termId) => TextOf(field, termId);

    /// <summary>A cursor over one term's docs, frequencies and positions, in doc order.</summary>
    public BufferedPostings OpenPostings(BufferedField field, int termId)
    {
        ref BufferedTerm t = ref field.Terms[termId];
        int start = field.StreamStart[termId];
        return new BufferedPostings(
            _pool.OpenReader(start, t.DocWrite),
            field.HasPositions ? _pool.OpenReader(start + 8, t.PosWrite) : default,
            field.Options, field.HasPositions, t.LastDoc, t.Freq);
    }

    /// <summary>Sort key of a UTF-16 unit that orders valid UTF-16 by code point (surrogates after U+FFFF).</summary>
    internal static char CodePointKey(char c) =>
        c < 0xD800 ? c : c >= 0xE000 ? (char)(c - 0x800) : (char)(c + 0x2000);

    internal static void ReplaceUnpairedSurrogates(Span<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            s[i] = '\uFFFD';
        }
    }
}

/// <summary>
/// One buffered term's postings read back: the doc stream's entries (delta &lt;&lt; 1 | freq==1, then freq), then
/// the doc still pending in the term's state; positions are deltas from 0 within each doc.
/// </summary>
internal struct BufferedPostings
{
    private ByteSlicePool.StreamReader _docs;
    private ByteSlicePool.StreamReader _positions;
    private readonly IndexOptions _options;
    private readonly bool _hasPositions;
    private readonly int _pendingDoc;
    private readonly int _pendingFreq;
    private bool _pendingRead;
    private int _position;
    private int _positionsLeft;

    internal BufferedPostings(ByteSlicePool.StreamReader docs, ByteSlicePool.StreamReader positions, IndexOptions options,
        bool hasPositions, int pendingDoc, int pendingFreq)
    {
        _docs = docs;
        _positions = positions;
        _options = options;
        _hasPositions = hasPositions;
        _pendingDoc = pendingDoc;
        _pendingFreq = pendingFreq;
        Doc = 0;
        Freq = 0;
    }

    public int Doc { get; private set; }

    /// <summary>The term's frequency in <see cref="Doc"/> (1 for a docs-only field).</summary>
    public int Freq { get; private set; }

    public bool NextDoc()
    {
        while (_positionsLeft > 0) NextPosition();
        if (_docs.HasMore)
        {
            int code = _docs.ReadVInt();
            if (_options == IndexOptions.Docs)
            {
                Doc += code;
                Freq = 1;
            }
            else
            {
                Doc += code >>> 1;
                Freq = (code & 1) != 0 ? 1 : _docs.ReadVInt();
            }
        }
        else if (!_pendingRead)
        {
            _pendingRead = true;
            Doc = _pendingDoc;
            Freq = _options == IndexOptions.Docs ? 1 : _pendingFreq;
        }
        else return false;
        _position = 0;
        _positionsLeft = _hasPositions ? Freq : 0;
        return true;
    }

    /// <summary>The next position of the term in <see cref="Doc"/> (call at most <see cref="Freq"/> times).</summary>
    public int NextPosition()
    {
        _positionsLeft--;
        _position += _positions.ReadVInt();
        return _position;
    }
}
