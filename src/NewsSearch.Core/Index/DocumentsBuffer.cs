using System.Buffers;
using System.Runtime.CompilerServices;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Index;

/// <summary>
/// Per-term state touched for every token (array of structs, indexed by term id; 28 bytes). The term's text and
/// stream start live in colder arrays of <see cref="BufferedField"/>.
/// </summary>
internal struct BufferedTerm
{
    public int DocWrite;       // doc stream write address
    public int PosWrite;       // position stream write address
    public int LastDoc;        // doc currently being counted (not yet written to the doc stream)
    public int LastWrittenDoc; // base of the next doc delta in the stream
    public int Freq;
    public int LastPosition;
    public byte DocLevel;
    public byte PosLevel;
}

/// <summary>
/// One field's terms in the buffer: an open-addressing table of (term id, key) where the key is the term's two
/// chars themselves for terms of length 1–2 (most CJK grams: found without touching the text) or a hash otherwise.
/// </summary>
internal sealed class BufferedField
{
    public readonly string Name;
    public readonly IndexOptions Options;
    public readonly bool IsText;
    public readonly bool HasPositions;
    public BufferedTerm[] Terms = new BufferedTerm[1024];
    public int[] TextStart = new int[1024];   // into the chars pool: a length char, then the text
    public int[] StreamStart = new int[1024]; // doc stream start; the position stream starts 8 bytes later
    public int TermCount;
    public long[] Table = new long[2048];     // (key << 32) | (id + 1) with bit 31 of the id part = exact key; 0 = empty
    public int[] Lengths = [];                // tokens per doc (text fields)
    public TokenStream? Stream;
    public int CurrentDoc = -1;               // for a field given twice in one doc: positions continue
    public int CurrentPosition;

    public BufferedField(string name, IndexOptions options, bool isText)
    {
        Name = name;
        Options = options;
        IsText = isText;
        HasPositions = options == IndexOptions.DocsFreqsPositions;
    }

    /// <summary>Bytes in use (not capacity: arrays are kept for the next buffer, so capacity never shrinks).</summary>
    public long BytesUsed(int numDocs) => TermCount * (Unsafe.SizeOf<BufferedTerm>() + 8L + 12L) + (IsText ? numDocs * 4L : 0);

    public void Trim()
    {
        if (Terms.Length <= 1024) return;
        Terms = new BufferedTerm[1024];
        TextStart = new int[1024];
        StreamStart = new int[1024];
        Table = new long[2048];
        Lengths = [];
    }

    public void Reset()
    {
        TermCount = 0;
        Array.Clear(Table);
        if (Lengths.Length > 0) Array.Clear(Lengths);
        CurrentDoc = -1;
    }
}

/// <summary>
/// The in-memory segment being built (Lucene's DocumentsWriterPerThread): analyzed documents become per-term
/// doc and position streams in a <see cref="ByteSlicePool"/>; <see cref="Flush"/> sorts each field's terms and
/// writes a segment. Not thread-safe: the <see cref="IndexWriter"/> serializes access.
/// </summary>
internal sealed partial class DocumentsBuffer
{
    private readonly Func<string, Analyzer> _analyzers;
    private readonly ByteSlicePool _pool = new();
    private char[] _chars = new char[1 << 16];
    private int _charsUsed;
    private readonly Dictionary<string, BufferedField> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, int> _docOfId = new(StringComparer.Ordinal);
    private readonly List<int> _deletedDocs = [];
    private readonly Dictionary<string, long[]> _numerics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?[]> _sorted = new(StringComparer.Ordinal);

    public DocumentsBuffer(Func<string, Analyzer> analyzers) => _analyzers = analyzers;

    /// <summary>
    /// A buffer whose terms are read out as Lucene terms (the Lucene engine's fast inversion,
    /// DocumentsBuffer.Reading.cs): terms sort in code point order (Lucene's UTF-8 byte order; UTF-16 order differs
    /// for surrogates against U+E000…U+FFFF), and an unpaired surrogate in a term becomes U+FFFD, as Lucene's own
    /// UTF-16 to UTF-8 conversion makes it (so two terms never collapse into one UTF-8 term).
    /// </summary>
    public DocumentsBuffer(Func<string, Analyzer> analyzers, bool codePointTerms) : this(analyzers) =>
        _codePointTerms = codePointTerms;

    private readonly bool _codePointTerms;

    public int NumDocs => _ids.Count;

    /// <summary>Approximate heap held by the buffer (drives flushing by RAM budget).</summary>
    public long BytesUsed
    {
        get
        {
            int docs = _ids.Count;
            long b = _pool.BytesUsed + _charsUsed * 2L + docs * 64L;
            foreach (var f in _fields.Values) b += f.BytesUsed(docs);
            b += (_numerics.Count + _sorted.Count) * docs * 8L;
            return b;
        }
    }

    private BufferedField GetField(string name, IndexOptions options, bool isText)
    {
        if (_fields.TryGetValue(name, out var f))
        {
            if (f.Options != options)
                throw new ArgumentException($"Field '{name}' is used both as {f.Options} and as {options}.");
            return f;
        }
        f = new BufferedField(name, options, isText);
        if (isText) f.Stream = _analyzers(name).CreateTokenStream();
        _fields[name] = f;
        return f;
    }

    /// <summary>Marks the buffered doc with this id deleted (an update or a delete arrived for it).</summary>
    public void DeleteId(string id)
    {
        if (_docOfId.Remove(id, out int doc)) _deletedDocs.Add(doc);
    }

    public void Add(Document document)
    {
        int doc = _ids.Count;
        DeleteId(document.Id);
        _ids.Add(document.Id);
        _docOfId[document.Id] = doc;

        AddTerm(GetField(NewsFields.Id, IndexOptions.Docs, false), document.Id, doc, 0);
        foreach (var tf in document.TextFields) AddText(tf, doc);
        foreach (var sf in document.StringFields)
        {
            if (sf.Value.Length == 0 || sf.Value.Length > IndexFormat.MaxTermLength) continue;
            AddTerm(GetField(sf.Name, IndexOptions.DocsAndFreqs, false), sf.Value, doc, 0);
        }
        foreach (var nf in document.NumericFields)
        {
            if (!_numerics.TryGetValue(nf.Name, out var values))
            {
                values = new long[Math.Max(64, doc * 2)];
                Array.Fill(values, long.MinValue);
                _numerics[nf.Name] = values;
            }
            if (doc >= values.Length)
            {
                int old = values.Length;
                Array.Resize(ref values, Math.Max(doc + 1, old * 2));
                Array.Fill(values, long.MinValue, old, values.Length - old);
                _numerics[nf.Name] = values;
            }
            values[doc] = nf.Value;
        }
        foreach (var sv in document.SortedFields)
        {
            if (!_sorted.TryGetValue(sv.Name, out var values)) _sorted[sv.Name] = values = new string?[Math.Max(64, doc * 2)];
            if (doc >= values.Length) { Array.Resize(ref values, Math.Max(doc + 1, values.Length * 2)); _sorted[sv.Name] = values; }
            values[doc] = sv.Value;
        }
    }

    /// <summary>A token of the current field value, analyzed but not yet inverted.</summary>
    private struct PendingToken
    {
        public uint Key;
        public int Hash;
        public int CharStart;
        public int Length;
        public int Position;
        public int Candidate; // term id guessed by the prefetch stage, -1 = unknown
        public bool Exact;
    }

    private PendingToken[] _pending = new PendingToken[1024];
    private char[] _pendingChars = new char[4096];

    private void AddText(TextField tf, int doc)
    {
        var f = GetField(tf.Name, IndexOptions.DocsFreqsPositions, true);
        if (doc >= f.Lengths.Length) Array.Resize(ref f.Lengths, Math.Max(doc + 1, Math.Max(64, f.Lengths.Length * 2)));
        int position;
        if (f.CurrentDoc == doc) position = f.CurrentPosition + 1; // a gap between two values of one field
        else { position = -1; f.CurrentDoc = doc; }
        var stream = f.Stream!;
        stream.SetText(tf.Text);
        int length = 0, n = 0, chars = 0;
        // Analyze the whole value first, then invert it: knowing the next tokens lets the inversion prefetch their
        // hash slots, term states and stream tails (random memory, the cost of inverting).
        while (stream.IncrementToken())
        {
            int inc = stream.PositionIncrement;
            position += inc;
            if (inc > 0) length++; // stacked tokens (sub-words) do not lengthen the field, as Lucene's discountOverlaps
            var term = stream.Term;
            if (term.Length == 0 || term.Length > IndexFormat.MaxTermLength) continue;
            if (n == _pending.Length) Array.Resize(ref _pending, n * 2);
            if (chars + term.Length > _pendingChars.Length) Array.Resize(ref _pendingChars, Math.Max(_pendingChars.Length * 2, chars + term.Length));
            ref PendingToken t = ref _pending[n++];
            var copied = _pendingChars.AsSpan(chars, term.Length);
            term.CopyTo(copied);
            if (_codePointTerms) ReplaceUnpairedSurrogates(copied);
            t.Key = KeyOf(copied, out t.Exact);
            t.Hash = Mix(t.Key);
            t.CharStart = chars;
            t.Length = term.Length;
            t.Position = Math.Max(position, 0);
            t.Candidate = -1;
            chars += term.Length;
        }
        f.CurrentPosition = Math.Max(position, 0);
        f.Lengths[doc] += length;
        InvertPending(f, n, doc);
    }

    private const int PrefetchSlotsAhead = 12;
    private const int PrefetchTermsAhead = 6;
    private const int PrefetchStreamsAhead = 2;

    private unsafe void InvertPending(BufferedField f, int n, int doc)
    {
        var pending = _pending;
        bool prefetch = System.Runtime.Intrinsics.X86.Sse.IsSupported;
        for (int i = 0; i < n; i++)
        {
            if (prefetch)
            {
                if (i + PrefetchSlotsAhead < n)
                {
                    var table = f.Table;
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref table[pending[i + PrefetchSlotsAhead].Hash & (table.Length - 1)]));
                }
                if (i + PrefetchTermsAhead < n)
                {
                    ref PendingToken ahead = ref pending[i + PrefetchTermsAhead];
                    var table = f.Table;
                    long e = table[ahead.Hash & (table.Length - 1)];
                    long want = ((long)ahead.Key << 32) | (ahead.Exact ? ExactFlag : 0);
                    if (e != 0 && (e & ~0x7FFFFFFFL) == want)
                    {
                        ahead.Candidate = (int)(e & 0x7FFFFFFF) - 1;
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref f.Terms[ahead.Candidate]));
                    }
                }
                if (i + PrefetchStreamsAhead < n && pending[i + PrefetchStreamsAhead].Candidate is int c && c >= 0 && c < f.TermCount)
                {
                    ref BufferedTerm bt = ref f.Terms[c];
                    _pool.Prefetch(bt.PosWrite);
                    if (bt.LastDoc != doc) _pool.Prefetch(bt.DocWrite);
                }
            }
            ref PendingToken t = ref pending[i];
            AddTerm(f, _pendingChars.AsSpan(t.CharStart, t.Length), t.Key, t.Exact, t.Hash, doc, t.Position);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x7FEB352D;
        h ^= h >> 15;
        h *= 0x846CA68B;
        h ^= h >> 16;
        return (int)h;
    }

    /// <summary>The table key of a term: its chars for length 1–2 without NUL (exact), else a hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint KeyOf(ReadOnlySpan<char> s, out bool exact)
    {
        if (s.Length == 2 && s[0] != 0 && s[1] != 0) { exact = true; return ((uint)s[0] << 16) | s[1]; }
        if (s.Length == 1 && s[0] != 0) { exact = true; return s[0]; }
        exact = false;
        uint h = 2166136261;
        foreach (char c in s) h = (h ^ c) * 16777619;
        return h;
    }

    private const long ExactFlag = 1L << 31;

    private void AddTerm(BufferedField f, ReadOnlySpan<char> text, int doc, int position)
    {
        uint key = KeyOf(text, out bool exact);
        AddTerm(f, text, key, exact, Mix(key), doc, position);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddTerm(BufferedField f, ReadOnlySpan<char> text, uint key, bool exact, int hash, int doc, int position)
    {
        long[] table = f.Table;
        int mask = table.Length - 1;
        int slot = hash & mask;
        long want = ((long)key << 32) | (exact ? ExactFlag : 0);
        int id;
        while (true)
        {
            long e = table[slot];
            if (e == 0)
            {
                id = NewTerm(f, text, doc);
                table[slot] = want | (uint)(id + 1);
                if (f.TermCount * 3 > table.Length * 2) Rehash(f);
                break;
            }
            if ((e & ~0x7FFFFFFFL) == want)
            {
                int candidate = (int)(e & 0x7FFFFFFF) - 1;
                if (exact || TextOf(f, candidate).SequenceEqual(text)) { id = candidate; break; }
            }
            slot = (slot + 1) & mask;
        }

        ref BufferedTerm term = ref f.Terms[id];
        if (term.LastDoc != doc)
        {
            // The term's previous doc is complete: append (delta << 1 | freq==1) [freq] to its doc stream.
            WriteDocEntry(f, ref term);
            term.LastDoc = doc;
            term.Freq = 0;
            term.LastPosition = 0;
        }
        term.Freq++;
        if (f.HasPositions)
        {
            _pool.WriteVInt(ref term.PosWrite, ref term.PosLevel, position - term.LastPosition);
            term.LastPosition = position;
        }
    }

    private ReadOnlySpan<char> TextOf(BufferedField f, int id)
    {
        int start = f.TextStart[id];
        return _chars.AsSpan(start + 1, _chars[start]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteDocEntry(BufferedField f, ref BufferedTerm term)
    {
        int delta = term.LastDoc - term.LastWrittenDoc;
        term.LastWrittenDoc = term.LastDoc;
        if (f.Options == IndexOptions.Docs) { _pool.WriteVInt(ref term.DocWrite, ref term.DocLevel, delta); return; }
        if (term.Freq == 1) _pool.WriteVInt(ref term.DocWrite, ref term.DocLevel, (delta << 1) | 1);
        else
        {
            _pool.WriteVInt(ref term.DocWrite, ref term.DocLevel, delta << 1);
            _pool.WriteVInt(ref term.DocWrite, ref term.DocLevel, term.Freq);
        }
    }

    private int NewTerm(BufferedField f, ReadOnlySpan<char> text, int doc)
    {
        if (f.TermCount == f.Terms.Length)
        {
            int n = f.Terms.Length * 2;
            Array.Resize(ref f.Terms, n);
            Array.Resize(ref f.TextStart, n);
            Array.Resize(ref f.StreamStart, n);
        }
        if (_charsUsed + text.Length + 1 > _chars.Length) Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charsUsed + text.Length + 1));
        int id = f.TermCount++;
        f.TextStart[id] = _charsUsed;
        _chars[_charsUsed] = (char)text.Length; // terms are at most MaxTermLength (255) chars
        text.CopyTo(_chars.AsSpan(_charsUsed + 1));
        _charsUsed += text.Length + 1;
        int start = f.HasPositions ? _pool.StartStreamPair() : _pool.StartStream();
        f.StreamStart[id] = start;
        ref BufferedTerm t = ref f.Terms[id];
        t.DocWrite = start;
        t.DocLevel = 0;
        t.PosWrite = start + 8;
        t.PosLevel = 0;
        t.LastDoc = doc;
        t.LastWrittenDoc = 0;
        t.Freq = 0;
        t.LastPosition = 0;
        return id;
    }

    private static void Rehash(BufferedField f)
    {
        var table = new long[f.Table.Length * 2];
        int mask = table.Length - 1;
        foreach (long e in f.Table)
        {
            if (e == 0) continue;
            int slot = Mix((uint)(e >>> 32)) & mask;
            while (table[slot] != 0) slot = (slot + 1) & mask;
            table[slot] = e;
        }
        f.Table = table;
    }

    /// <summary>Sorts terms by ordinal char order: by a packed key of the first 4 chars, ties by the whole text.</summary>
    private int[] SortTerms(BufferedField f)
    {
        int n = f.TermCount;
        var order = new int[n];
        var keys = ArrayPool<ulong>.Shared.Rent(Math.Max(n, 1));
        try
        {
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
                var s = TextOf(f, i);
                ulong k = 0;
                if (_codePointTerms) for (int j = 0; j < 4; j++) k = (k << 16) | (j < s.Length ? CodePointKey(s[j]) : 0u);
                else for (int j = 0; j < 4; j++) k = (k << 16) | (j < s.Length ? s[j] : 0u);
                keys[i] = k;
            }
            Array.Sort(keys, order, 0, n);
            // Keys tie for texts equal in their first 4 chars (or padded by NUL): order those runs by full text.
            var cmp = new TermTextComparer(this, f);
            for (int i = 0; i < n;)
            {
                int j = i + 1;
                while (j < n && keys[j] == keys[i]) j++;
                if (j - i > 1) Array.Sort(order, i, j - i, cmp);
                i = j;
            }
        }
        finally { ArrayPool<ulong>.Shared.Return(keys); }
        return order;
    }

    private sealed class TermTextComparer(DocumentsBuffer b, BufferedField f) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var a = b.TextOf(f, x);
            var c = b.TextOf(f, y);
            if (!b._codePointTerms) return a.SequenceCompareTo(c);
            int n = Math.Min(a.Length, c.Length);
            for (int i = 0; i < n; i++)
                if (a[i] != c[i]) return CodePointKey(a[i]) - CodePointKey(c[i]);
            return a.Length - c.Length;
        }
    }

    /// <summary>
    /// Writes the buffer as segment <paramref name="segmentName"/> and resets it. Returns the files and the
    /// deletions of buffered docs superseded within the buffer (null when none).
    /// </summary>
    public (List<IndexFileInfo> Files, DeletedDocs? Deleted, int MaxDoc) Flush(string folder, string segmentName)
    {
        int maxDoc = _ids.Count;
        using var w = new SegmentWriter(folder, segmentName, maxDoc);
        foreach (var f in _fields.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            w.BeginField(f.Name, f.Options, f.IsText ? f.Lengths : null);
            var order = SortTerms(f);
            bool positions = f.HasPositions;
            foreach (int id in order)
            {
                ref BufferedTerm t = ref f.Terms[id];
                int start = f.StreamStart[id];
                var docs = _pool.OpenReader(start, t.DocWrite);
                var pos = positions ? _pool.OpenReader(start + 8, t.PosWrite) : default;
                int doc = 0;
                while (docs.HasMore)
                {
                    int code = docs.ReadVInt();
                    int freq = 1;
                    if (f.Options == IndexOptions.Docs) doc += code;
                    else
                    {
                        doc += code >>> 1;
                        freq = (code & 1) != 0 ? 1 : docs.ReadVInt();
                    }
                    w.AddDoc(doc, freq);
                    if (positions) CopyPositions(ref pos, w, freq);
                }
                // The last doc is still pending in the term state.
                w.AddDoc(t.LastDoc, t.Freq);
                if (positions) CopyPositions(ref pos, w, t.Freq);
                w.FinishTerm(TextOf(f, id));
            }
            w.EndField();
            if (f.IsText) w.WriteNorms(f.Name, f.Lengths.AsSpan(0, Math.Min(maxDoc, f.Lengths.Length)));
        }
        foreach (var (name, values) in _numerics.OrderBy(p => p.Key, StringComparer.Ordinal))
            w.WriteNumeric(name, values.AsSpan(0, Math.Min(maxDoc, values.Length)));
        foreach (var (name, values) in _sorted.OrderBy(p => p.Key, StringComparer.Ordinal))
            w.WriteSorted(name, values.AsSpan(0, Math.Min(maxDoc, values.Length)));
        var ids = _ids;
        w.WriteIds(d => ids[d]);
        var files = w.Finish();

        DeletedDocs? deleted = null;
        if (_deletedDocs.Count > 0)
        {
            deleted = new DeletedDocs(maxDoc);
            foreach (int d in _deletedDocs) deleted.Delete(d);
        }
        Reset();
        return (files, deleted, maxDoc);
    }

    private static void CopyPositions(ref ByteSlicePool.StreamReader pos, SegmentWriter w, int freq)
    {
        int p = 0;
        for (int i = 0; i < freq; i++)
        {
            p += pos.ReadVInt();
            w.AddPosition(p);
        }
    }

    public void Reset()
    {
        _pool.Reset();
        _charsUsed = 0;
        foreach (var f in _fields.Values) f.Reset();
        _ids.Clear();
        _docOfId.Clear();
        _deletedDocs.Clear();
        _numerics.Clear();
        _sorted.Clear();
    }

    /// <summary>
    /// Releases the memory kept for reuse (term arrays, tables, pool blocks): called at commits, so a bulk load
    /// reuses its arrays from flush to flush but an idle writer does not sit on hundreds of MB.
    /// </summary>
    /// <returns>Approximate bytes released.</returns>
    public long Trim()
    {
        if (_ids.Count > 0) return 0;
        long released = _pool.BytesAllocated + _chars.Length * 2L;
        foreach (var f in _fields.Values) released += (long)f.Terms.Length * 36 + f.Table.Length * 8L;
        _pool.Reset();
        _pool.Trim();
        foreach (var f in _fields.Values) f.Trim();
        if (_chars.Length > 1 << 16) _chars = new char[1 << 16];
        if (_pending.Length > 1 << 14) _pending = new PendingToken[1024];
        if (_pendingChars.Length > 1 << 16) _pendingChars = new char[4096];
        return released;
    }
}
