using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Index;

/// <summary>Where a term's postings live: what a term-dictionary entry decodes to.</summary>
internal struct TermMeta
{
    public int DocFreq;
    public long TotalTermFreq;
    /// <summary>Offset in .doc, or -1 when the single doc is pulsed into the dictionary.</summary>
    public long DocFp;
    public int SingletonDoc;
    /// <summary>Offset in .pos, or -1 when the term's only position is in the dictionary (<see cref="InlinePosition"/>).</summary>
    public long PosFp;
    public int InlinePosition;
}

/// <summary>
/// The immutable, shared part of a segment: its memory-mapped files and metadata. Reference-counted: every
/// snapshot and the writer holding the segment take a reference; the maps are released at zero.
/// </summary>
internal sealed unsafe class SegmentCore
{
    private readonly MappedFile[] _files;
    private int _refCount = 1;
    internal readonly MappedFile Tim, Tip, Doc, Pos, Nrm, Dv, Ids;
    public SegmentMeta Meta { get; }
    private readonly Dictionary<string, FieldReader> _fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NumericColumnMeta> _numerics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedColumnReader> _sorted = new(StringComparer.Ordinal);

    private SegmentCore(SegmentMeta meta, MappedFile[] files)
    {
        Meta = meta;
        _files = files;
        Tim = files[1]; Tip = files[2]; Doc = files[3]; Pos = files[4]; Nrm = files[5]; Dv = files[6]; Ids = files[7];
        foreach (var f in meta.Fields) _fields[f.Name] = new FieldReader(this, f);
        foreach (var n in meta.Numerics) _numerics[n.Name] = n;
        foreach (var s in meta.Sorted) _sorted[s.Name] = new SortedColumnReader(Dv, s);
    }

    public string Name => Meta.Name;
    public int MaxDoc => Meta.MaxDoc;

    /// <summary>Uncapped prefix expansions matching at least 1/64 of this immutable segment, kept from their first use
    /// (a common single character over thousands of bigrams is costly to expand again).</summary>
    public Search.SegmentMatchCache Expansions { get; } = new();

    /// <summary>Match sets of dense exact phrases counted more than once on this segment.</summary>
    public Search.SegmentMatchCache PhraseMatches { get; } = new();

    public IReadOnlyCollection<FieldReader> Fields => _fields.Values;

    /// <summary>Maps and validates the segment's files; <paramref name="expected"/> (from the commit) checks lengths and checksums.</summary>
    public static SegmentCore Open(string folder, string name, IReadOnlyDictionary<string, IndexFileInfo>? expected, bool verifyChecksums)
    {
        var files = new List<MappedFile>();
        try
        {
            foreach (var ext in IndexFormat.SegmentExts)
            {
                string fileName = IndexFormat.SegmentFile(name, ext);
                long expectedLength = -1;
                uint? expectedCrc = null;
                if (expected is not null)
                {
                    if (!expected.TryGetValue(fileName, out var info)) throw new IndexCorruptException(fileName, "not listed in the commit");
                    expectedLength = info.Length;
                    expectedCrc = info.Checksum;
                }
                var f = MappedFile.Open(Path.Combine(folder, fileName), ext, expectedLength);
                files.Add(f);
                if (expectedCrc is { } c && f.StoredChecksum != c)
                    throw new IndexCorruptException(fileName, $"footer checksum {f.StoredChecksum:x8} differs from the commit's {c:x8}");
                if (verifyChecksums) f.VerifyChecksum();
            }
            var meta = SegmentMeta.Read(name, files[0]);
            return new SegmentCore(meta, [.. files]);
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    public void IncRef()
    {
        if (Interlocked.Increment(ref _refCount) <= 1) throw new ObjectDisposedException("segment " + Name);
    }

    public void DecRef()
    {
        int n = Interlocked.Decrement(ref _refCount);
        if (n == 0) foreach (var f in _files) f.Dispose();
        else if (n < 0) throw new InvalidOperationException("segment core released too often: " + Name);
    }

    public FieldReader? GetField(string name) => _fields.GetValueOrDefault(name);

    public long FileBytes(string ext)
    {
        foreach (var f in _files) if (f.Path.EndsWith("." + ext, StringComparison.Ordinal)) return f.Length;
        return 0;
    }

    public FieldLengths GetFieldLengths(string field) =>
        _fields.TryGetValue(field, out var f) && f.Meta.HasNorms
            ? new FieldLengths(Nrm.Pointer + f.Meta.NormsOffset, f.Meta.NormsWidth)
            : default;

    public int GetFieldLength(string field, int doc) => GetFieldLengths(field).Get(doc);

    public long GetNumeric(string field, int doc, long missing)
    {
        long v = GetNumericValues(field).Get(doc);
        return v == long.MinValue ? missing : v;
    }

    public SortedColumnReader? GetSorted(string field) => _sorted.GetValueOrDefault(field);

    public NumericValues GetNumericValues(string field) =>
        _numerics.TryGetValue(field, out var n) ? new NumericValues(Dv.Pointer + n.Offset, n.Width, n.Min) : default;

    /// <summary>The raw per-doc codes of a numeric column stored 1 or 2 bytes wide (code 0 = missing, else
    /// value = code - 1 + min), so counting over many docs (month facets) indexes an array by code; false for
    /// other widths or a missing column.</summary>
    public bool TryGetSmallNumericCodes(string field, out byte* codes, out int width, out long min)
    {
        codes = null; width = 0; min = 0;
        if (!_numerics.TryGetValue(field, out var n) || n.Width > 2) return false;
        codes = Dv.Pointer + n.Offset;
        width = n.Width;
        min = n.Min;
        return true;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<UninvertedField>> _uninverted = new(StringComparer.Ordinal);

    /// <summary>A keyword field uninverted (terms per document), built from its postings on first use.</summary>
    public UninvertedField Uninverted(SegmentReader leaf, string field) =>
        _uninverted.GetOrAdd(field, f => new Lazy<UninvertedField>(() => UninvertedField.Build(leaf, f))).Value;

    private FacetTotals? _facetTotals;

    /// <summary>Facet values counted over the whole segment, built on first use (dense facet counting).</summary>
    public FacetTotals FacetTotals(SegmentReader leaf) => Volatile.Read(ref _facetTotals) ?? BuildFacetTotals(leaf);

    private FacetTotals BuildFacetTotals(SegmentReader leaf)
    {
        var totals = Index.FacetTotals.Build(leaf);
        Volatile.Write(ref _facetTotals, totals);
        return totals;
    }

    private ulong[]? _idKeys;

    /// <summary>Each document's first 8 id bytes as a big-endian number (zero-padded), built on first use: two ids
    /// whose keys differ compare as their keys do, so ties between equal scores are mostly settled without reading
    /// the ids (a constant-score query ties on every match).</summary>
    public ulong[] IdKeys => Volatile.Read(ref _idKeys) ?? BuildIdKeys();

    private int[]? _idKeyRuns;

    /// <summary>Where each run of documents whose <see cref="IdKeys"/> strictly ascend begins (0 first), or null when
    /// the runs are too short to be worth it (more than one per 64 documents). A segment written from articles in id
    /// order is one run; one merged from such segments is one run per source. Within a run the article ids ascend,
    /// so on a score tie a later document always loses to an earlier one.</summary>
    public int[]? IdKeyRuns
    {
        get
        {
            _ = IdKeys;
            return Volatile.Read(ref _idKeyRuns);
        }
    }

    private ulong[] BuildIdKeys()
    {
        var keys = new ulong[MaxDoc];
        var runs = new List<int> { 0 };
        for (int d = 0; d < keys.Length; d++)
        {
            var id = GetIdUtf8(d);
            ulong key = 0;
            for (int i = 0; i < 8; i++) key = key << 8 | (i < id.Length ? id[i] : 0u);
            keys[d] = key;
            if (d > 0 && key <= keys[d - 1]) runs.Add(d);
        }
        // Written before the keys are published: whoever sees the keys sees the runs.
        Volatile.Write(ref _idKeyRuns, runs.Count <= 1 + MaxDoc / 64 ? runs.ToArray() : null);
        Volatile.Write(ref _idKeys, keys);
        return keys;
    }

    /// <summary>The article id's UTF-8 bytes, without decoding (id comparisons on score ties).</summary>
    public ReadOnlySpan<byte> GetIdUtf8(int doc)
    {
        byte* p = Ids.Pointer + Meta.IdsOffset;
        int start = Unsafe.ReadUnaligned<int>(p + 4L * doc);
        int end = Unsafe.ReadUnaligned<int>(p + 4L * (doc + 1));
        return new ReadOnlySpan<byte>(p + 4L * (MaxDoc + 1) + start, end - start);
    }

    public string GetId(int doc)
    {
        byte* p = Ids.Pointer + Meta.IdsOffset;
        int start = Unsafe.ReadUnaligned<int>(p + 4L * doc);
        int end = Unsafe.ReadUnaligned<int>(p + 4L * (doc + 1));
        byte* bytes = p + 4L * (MaxDoc + 1);
        return System.Text.Encoding.UTF8.GetString(bytes + start, end - start);
    }

    public void VerifyChecksums()
    {
        foreach (var f in _files) f.VerifyChecksum();
    }
}

/// <summary>A sorted doc-values column of one segment; ordinals index its sorted distinct values.</summary>
public sealed unsafe class SortedColumnReader
{
    private readonly MappedFile _dv;
    private readonly SortedColumnMeta _meta;
    private readonly string?[] _cache;

    internal SortedColumnReader(MappedFile dv, SortedColumnMeta meta)
    {
        _dv = dv;
        _meta = meta;
        _cache = new string?[meta.ValueCount];
    }

    public int ValueCount => _meta.ValueCount;

    /// <summary>The stored codes (ordinal + 1 per doc, 0: none) and their width in bytes (1, 2 or 4).</summary>
    internal byte* OrdCodes(out int width)
    {
        width = _meta.OrdWidth is 1 or 2 ? _meta.OrdWidth : 4;
        return _dv.Pointer + _meta.OrdsOffset;
    }

    /// <summary>Ordinal of the doc's value, -1 when it has none.</summary>
    public int GetOrd(int doc)
    {
        byte* p = _dv.Pointer + _meta.OrdsOffset;
        int s = _meta.OrdWidth switch
        {
            1 => p[doc],
            2 => Unsafe.ReadUnaligned<ushort>(p + 2L * doc),
            _ => Unsafe.ReadUnaligned<int>(p + 4L * doc),
        };
        return s - 1;
    }

    /// <summary>The value of an ordinal (strings are created once and cached).</summary>
    public string LookupOrd(int ord)
    {
        var s = _cache[ord];
        if (s is not null) return s;
        byte* p = _dv.Pointer + _meta.ValuesOffset;
        int start = Unsafe.ReadUnaligned<int>(p + 4L * ord);
        int end = Unsafe.ReadUnaligned<int>(p + 4L * (ord + 1));
        byte* chars = p + 4L * (_meta.ValueCount + 1);
        s = new string((char*)(chars + 2L * start), 0, end - start);
        _cache[ord] = s;
        return s;
    }

    /// <summary>Ordinal of a value, or -1 when no doc of the segment has it.</summary>
    public int LookupTerm(ReadOnlySpan<char> value)
    {
        int lo = 0, hi = ValueCount - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = LookupOrd(mid).AsSpan().SequenceCompareTo(value);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }
}
