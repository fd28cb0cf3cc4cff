using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Index;

/// <summary>
/// Runs an <see cref="EngineSearchRequest"/> on a native snapshot. Relevance is <see cref="IndexSearcher.Search"/>
/// itself (facets counted from its unscored pass's match bitsets); a date order takes one pass over the matches that
/// keeps the top n in a heap of structs. Facets are counted per segment in pooled arrays (months by the published
/// column's raw codes, sections by ordinal, authors by intersecting each author's postings with the segment's
/// match bitset: no doc values needed and sequential reads, as fast as per-document values when many match).
/// </summary>
internal static class NativeSearch
{
    public static EngineSearchResult Run(DirectoryReader snapshot, EngineSearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.TopN);
        var searcher = new IndexSearcher(snapshot);
        var query = request.Filter is null
            ? request.Query
            : new BooleanQuery([new BooleanClause(request.Query, Occur.Must), new BooleanClause(request.Filter, Occur.Filter)]);

        // A rescore reads the best max(TopN, window) hits of the first pass (relevance only).
        var rescore = request.Order == HitOrder.Relevance && request.TopN > 0 ? request.Rescore : null;
        int depth = rescore is null ? request.TopN : Math.Max(request.TopN, rescore.Window);
        EngineSearchResult result;
        if (request.Order == HitOrder.Relevance)
        {
            // The top n with pruning; facets from the unscored counting pass's match bitsets.
            using var facets = request.Facets == FacetFields.None ? null : new FacetCounter(request.Facets);
            var top = searcher.Search(query, depth, facets is null ? null : facets.CountLeaf);
            result = new EngineSearchResult(top.TotalHits, Hits(searcher, top.ScoreDocs, query, request, rescore));
            if (facets is not null) result = result with { Facets = facets.Result(request.FacetSize) };
        }
        else
        {
            result = CollectByDate(searcher, query, request);
        }
        return searcher.PartialReason is { } reason ? result with { PartialReason = reason } : result;
    }

    /// <summary>The returned hits: after the rescore (if any), the best TopN, explained when asked.</summary>
    private static EngineHit[] Hits(IndexSearcher searcher, ScoreDoc[] firstPass, Query query, EngineSearchRequest request,
        EngineRescore? rescore)
    {
        // The first pass holds max(TopN, window) hits; Scorer.AdvanceExact visits only those documents, so the
        // rescore query costs nothing per match.
        var ranked = rescore is not null && firstPass.Length > 0
            ? searcher.Rescore(firstPass, rescore.Query, rescore.Weight)
            : firstPass;
        var hits = new EngineHit[Math.Min(ranked.Length, request.TopN)];
        for (int i = 0; i < hits.Length; i++)
        {
            var (leaf, doc) = searcher.Resolve(ranked[i].Doc);
            hits[i] = new EngineHit(leaf.GetId(doc), ranked[i].Score, leaf.GetNumericValue(NewsFields.PublishedDay, doc))
            {
                Explanation = request.Explain ? Explain(searcher, query, rescore, ranked[i].Doc) : null,
            };
        }
        return hits;
    }

    /// <summary>The weights' own breakdown (Weight.Explain: BM25 per term and phrase, sums per boolean); after a
    /// rescore, first pass + weight × rescore query.</summary>
    private static Explanation Explain(IndexSearcher searcher, Query query, EngineRescore? rescore, int globalDoc)
    {
        var first = searcher.Explain(query, globalDoc);
        if (rescore is null || searcher.Explain(rescore.Query, globalDoc) is not { Match: true } bonus) return first;
        return new Explanation(true, first.Value + rescore.Weight * bonus.Value, $"first pass + {rescore.Weight} × rescore",
            [first, bonus]);
    }

    /// <summary>Sort key of a date order, larger is better: newest = day, oldest = -day; undated last.</summary>
    private static long DateKey(HitOrder order, long day) =>
        day == long.MinValue ? long.MinValue : order == HitOrder.Newest ? day : -day;

    /// <summary>The top n by date (ties by article id) in one pass that also counts every match and its facets; hits
    /// keep their relevance score.</summary>
    private static EngineSearchResult CollectByDate(IndexSearcher searcher, Query query, EngineSearchRequest request)
    {
        var weight = query.CreateWeight(searcher, needsScores: true, boost: 1f);
        var order = request.Order;
        int depth = request.TopN;
        var heap = new HitHeap(depth, searcher);
        var facets = request.Facets == FacetFields.None ? null : new FacetCounter(request.Facets);
        long total = 0;
        var reader = searcher.Reader;
        int docBase = 0;
        try
        {
            for (int li = 0; li < reader.Leaves.Count; docBase += reader.Leaves[li].MaxDoc, li++)
            {
                var leaf = reader.Leaves[li];
                var scorer = weight.GetScorer(leaf);
                if (scorer is null) continue;
                facets?.StartLeaf(leaf);
                var days = leaf.GetNumericValues(NewsFields.PublishedDay);
                bool checkLive = leaf.HasDeletions;
                int n = depth;
                for (int doc = scorer.NextDoc(); doc != Scorer.NoMoreDocs; doc = scorer.NextDoc())
                {
                    if (checkLive && !leaf.IsLive(doc)) continue;
                    total++;
                    facets?.Count(doc);
                    if (n == 0) continue;
                    long key = DateKey(order, days.Get(doc));
                    if (heap.IsFull && key < heap.MinKey) continue;
                    heap.Offer(docBase + doc, key, scorer.Score());
                }
                facets?.EndLeaf();
            }
            var top = heap.ToSortedArray();
            var firstPass = new ScoreDoc[top.Length];
            for (int i = 0; i < top.Length; i++) firstPass[i] = new ScoreDoc(top[i].Doc, top[i].Score);
            return new EngineSearchResult(total, Hits(searcher, firstPass, query, request, rescore: null))
            {
                Facets = facets?.Result(request.FacetSize) ?? new Dictionary<FacetFields, IReadOnlyList<FacetValue>>(),
            };
        }
        finally
        {
            facets?.Dispose();
        }
    }

    private struct Entry
    {
        public int Doc;
        public long Key;
        public float Score;
    }

    /// <summary>Min-heap of the kept hits, the weakest at the root: by date key, then by article id (a later id is
    /// weaker).</summary>
    private struct HitHeap(int capacity, IndexSearcher ids)
    {
        private readonly Entry[] _items = new Entry[capacity];
        private int _count;

        public readonly bool IsFull => _count == _items.Length;
        public readonly long MinKey => _items[0].Key;

        private readonly int Compare(in Entry a, in Entry b)
        {
            int c = a.Key.CompareTo(b.Key);
            return c != 0 ? c : ids.CompareIds(b.Doc, a.Doc);
        }

        public void Offer(int doc, long key, float score)
        {
            var item = new Entry { Doc = doc, Key = key, Score = score };
            if (_count < _items.Length)
            {
                int i = _count++;
                while (i > 0)
                {
                    int parent = (i - 1) >> 1;
                    if (Compare(item, _items[parent]) >= 0) break;
                    _items[i] = _items[parent];
                    i = parent;
                }
                _items[i] = item;
                return;
            }
            if (Compare(_items[0], item) >= 0) return;
            int k = 0;
            while (true)
            {
                int l = 2 * k + 1;
                if (l >= _count) break;
                int r = l + 1;
                int weakest = r < _count && Compare(_items[r], _items[l]) < 0 ? r : l;
                if (Compare(_items[weakest], item) >= 0) break;
                _items[k] = _items[weakest];
                k = weakest;
            }
            _items[k] = item;
        }

        public readonly Entry[] ToSortedArray()
        {
            var result = new Entry[_count];
            Array.Copy(_items, result, _count);
            var self = this;
            Array.Sort(result, (a, b) => self.Compare(b, a));
            return result;
        }
    }

    /// <summary>Facet counts over every match: per segment in pooled arrays, folded into value counts at the end of
    /// each segment. Nothing is allocated per match.</summary>
    private sealed unsafe class FacetCounter(FacetFields fields) : IDisposable
    {
        private readonly Dictionary<int, long> _months = [];          // yyyy * 100 + MM
        private readonly Dictionary<string, long> _sections = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _authors = new(StringComparer.Ordinal);
        private LeafReader _leaf = null!;
        // months: counts by the published column's raw code (1-2 bytes wide), or by day for wider columns
        private byte* _dayCodes;
        private int _dayWidth;
        private long _dayMin;
        private int[]? _dayCounts;       // zero outside [_minCode, _maxCode] between segments
        private int _minCode = int.MaxValue, _maxCode = -1;
        private readonly Dictionary<long, long> _wideDays = [];
        // sections: counts by ordinal + 1
        private SortedColumnReader? _sectionColumn;
        private int[]? _sectionCounts;
        private bool _sectionByValue;
        // authors: the segment's matches as a bitset
        private ulong[]? _matchBits;
        private int _leafMatches;
        private bool _authorsCounted;
        private int[]? _authorCounts;
        private PostingsEnum? _reuse;

        private bool Has(FacetFields f) => (fields & f) != 0;

        /// <summary>Counts one segment's matches given as a bitset. When most of the segment matches (a common word),
        /// the counts are the segment's totals minus those of the documents that do not match.</summary>
        public void CountLeaf(LeafReader leaf, ulong[] bits)
        {
            StartLeaf(leaf);
            int words = Math.Min(bits.Length, (leaf.MaxDoc + 63) >> 6);
            long matches = 0;
            for (int w = 0; w < words; w++) matches += BitOperations.PopCount(bits[w]);
            if (matches * 2 > leaf.MaxDoc && leaf is SegmentReader segment && CountByComplement(segment, bits, words))
            {
                EndLeaf();
                return;
            }
            if (leaf is SegmentReader seg && CountInOnePass(seg, bits, words))
            {
                EndLeaf();
                return;
            }
            for (int w = 0; w < words; w++)
            {
                ulong word = bits[w];
                while (word != 0)
                {
                    Count((w << 6) + BitOperations.TrailingZeroCount(word));
                    word &= word - 1;
                }
            }
            EndLeaf();
        }

        /// <summary>Every asked facet counted per matching document in one pass over <paramref name="bits"/>, from the
        /// raw columns (day codes, section ordinal codes, the uninverted authors) held in locals: no second pass for
        /// the authors and no copy of the matches. False when a facet has no such column here (nothing counted).</summary>
        private bool CountInOnePass(SegmentReader segment, ulong[] bits, int words)
        {
            bool months = Has(FacetFields.Month), authors = Has(FacetFields.Author);
            // A segment without a section column has no sections to count (as in Count); only a reader without raw
            // columns counts by value.
            if ((months && _dayWidth == 0) || (Has(FacetFields.Section) && _sectionByValue)) return false;
            byte* days = months ? _dayCodes : null;
            int dayWidth = _dayWidth;
            int[] dayCounts = _dayCounts ?? [];
            byte* sections = null;
            int sectionWidth = 0;
            int[] sectionCounts = _sectionCounts ?? [];
            if (_sectionColumn is not null) sections = _sectionColumn.OrdCodes(out sectionWidth);
            int[] starts = [], ords = [], authorCounts = [];
            UninvertedField? uninverted = null;
            if (authors)
            {
                uninverted = segment.Core.Uninverted(segment, NewsFields.Author);
                if (uninverted.Terms.Length > 0)
                {
                    Rent(ref _authorCounts, uninverted.Terms.Length);
                    authorCounts = _authorCounts!;
                    starts = uninverted.Starts;
                    ords = uninverted.Ords;
                }
            }
            int minCode = _minCode, maxCode = _maxCode;
            for (int w = 0; w < words; w++)
            {
                for (ulong word = bits[w]; word != 0; word &= word - 1)
                {
                    int doc = (w << 6) + BitOperations.TrailingZeroCount(word);
                    if (days != null)
                    {
                        int code = dayWidth == 1 ? days[doc] : Unsafe.ReadUnaligned<ushort>(days + 2L * doc);
                        dayCounts[code]++;
                        if (code < minCode) minCode = code;
                        if (code > maxCode) maxCode = code;
                    }
                    if (sections != null)
                        sectionCounts[sectionWidth == 1 ? sections[doc]
                            : sectionWidth == 2 ? Unsafe.ReadUnaligned<ushort>(sections + 2L * doc)
                            : Unsafe.ReadUnaligned<int>(sections + 4L * doc)]++;
                    if (authorCounts.Length > 0)
                        for (int k = starts[doc]; k < starts[doc + 1]; k++) authorCounts[ords[k]]++;
                }
            }
            _minCode = minCode;
            _maxCode = maxCode;
            if (authorCounts.Length > 0) AddAuthors(uninverted!, authorCounts);
            _authorsCounted = authors;
            return true;
        }

        /// <summary>Totals minus the non-matching documents' values (deleted ones included: the totals count every
        /// document of the segment, and deleted ones are never in <paramref name="bits"/>). False when a facet's
        /// column has no per-code form here (then nothing was counted).</summary>
        private bool CountByComplement(SegmentReader segment, ulong[] bits, int words)
        {
            var totals = segment.Core.FacetTotals(segment);
            bool months = Has(FacetFields.Month), sections = _sectionColumn is not null, authors = Has(FacetFields.Author);
            if ((months && (_dayWidth == 0 || totals.DayCodes is null)) || (sections && totals.Sections is null)
                || (Has(FacetFields.Section) && !sections && _sectionByValue))
                return false;
            if (months)
            {
                var counts = _dayCounts!;
                var dayTotals = totals.DayCodes!;
                for (int code = totals.MinDayCode; code <= totals.MaxDayCode; code++) counts[code] += dayTotals[code];
                _minCode = Math.Min(_minCode, totals.MinDayCode);
                _maxCode = Math.Max(_maxCode, totals.MaxDayCode);
            }
            if (sections) totals.Sections!.AsSpan().CopyTo(_sectionCounts);
            int[]? authorCounts = null;
            var uninverted = authors ? totals.Authors : null;
            if (uninverted is not null)
            {
                Rent(ref _authorCounts, Math.Max(1, uninverted.Terms.Length));
                authorCounts = _authorCounts!;
                totals.AuthorTotals.AsSpan().CopyTo(authorCounts);
            }
            int maxDoc = segment.MaxDoc;
            for (int w = 0; w < words; w++)
            {
                ulong word = ~bits[w];
                if (w == words - 1 && (maxDoc & 63) != 0) word &= (1UL << (maxDoc & 63)) - 1;
                while (word != 0)
                {
                    int doc = (w << 6) + BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    if (months)
                        _dayCounts![_dayWidth == 1 ? _dayCodes[doc] : Unsafe.ReadUnaligned<ushort>(_dayCodes + 2L * doc)]--;
                    if (sections) _sectionCounts![_sectionColumn!.GetOrd(doc) + 1]--;
                    if (uninverted is not null)
                        for (int k = uninverted.Starts[doc]; k < uninverted.Starts[doc + 1]; k++) authorCounts![uninverted.Ords[k]]--;
                }
            }
            if (uninverted is not null) AddAuthors(uninverted, authorCounts!);
            _authorsCounted = true;
            return true;
        }

        public void StartLeaf(LeafReader leaf)
        {
            _leaf = leaf;
            var segment = leaf as SegmentReader; // others (in-memory test readers) take the per-document paths
            if (Has(FacetFields.Month))
            {
                if (segment is not null && segment.Core.TryGetSmallNumericCodes(NewsFields.PublishedDay, out _dayCodes, out _dayWidth, out _dayMin))
                {
                    if (_dayCounts is null) Rent(ref _dayCounts, 1 << 16); // both widths; cleared once per search
                }
                else _dayWidth = 0;
            }
            if (Has(FacetFields.Section))
            {
                _sectionColumn = segment?.GetSortedColumn(NewsFields.Section);
                _sectionByValue = segment is null;
                if (_sectionColumn is not null) Rent(ref _sectionCounts, _sectionColumn.ValueCount + 1);
            }
            if (Has(FacetFields.Author)) Rent(ref _matchBits, (leaf.MaxDoc + 63) >> 6);
            _leafMatches = 0;
        }

        private static void Rent<T>(ref T[]? array, int length)
        {
            if (array is null || array.Length < length)
            {
                if (array is not null) ArrayPool<T>.Shared.Return(array);
                array = ArrayPool<T>.Shared.Rent(length);
            }
            Array.Clear(array, 0, length);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Count(int doc)
        {
            if (Has(FacetFields.Month))
            {
                if (_dayWidth > 0)
                {
                    int code = _dayWidth == 1 ? _dayCodes[doc] : Unsafe.ReadUnaligned<ushort>(_dayCodes + 2L * doc);
                    _dayCounts![code]++;
                    if (code < _minCode) _minCode = code;
                    if (code > _maxCode) _maxCode = code;
                }
                else
                {
                    long day = _leaf.GetNumericValue(NewsFields.PublishedDay, doc);
                    if (day != long.MinValue) _wideDays[day] = _wideDays.GetValueOrDefault(day) + 1;
                }
            }
            if (_sectionColumn is not null) _sectionCounts![_sectionColumn.GetOrd(doc) + 1]++;
            else if (_sectionByValue && _leaf.GetSortedValue(NewsFields.Section, doc) is { } section)
                _sections[section] = _sections.GetValueOrDefault(section) + 1;
            if (Has(FacetFields.Author))
            {
                _matchBits![doc >> 6] |= 1UL << doc;
                _leafMatches++;
            }
        }

        public void EndLeaf()
        {
            if (Has(FacetFields.Month))
            {
                if (_dayWidth > 0 && _maxCode >= 0)
                {
                    // Only the codes this segment's matches used; they are zeroed for the next segment.
                    var counts = _dayCounts!;
                    int month = -1;
                    long inMonth = 0;
                    // Codes are consecutive days: a month's key is computed once, at its first used code.
                    int nextMonthCode = int.MinValue;
                    for (int code = Math.Max(1, _minCode); code <= _maxCode; code++)
                    {
                        if (counts[code] == 0) continue;
                        if (code >= nextMonthCode)
                        {
                            var date = ArticleDocuments.DateOfDay(code - 1 + _dayMin);
                            nextMonthCode = code + DateTime.DaysInMonth(date.Year, date.Month) - date.Day + 1;
                            if (inMonth > 0) AddMonth(month, inMonth);
                            month = date.Year * 100 + date.Month;
                            inMonth = 0;
                        }
                        inMonth += counts[code];
                    }
                    if (inMonth > 0) AddMonth(month, inMonth);
                    Array.Clear(counts, _minCode, _maxCode - _minCode + 1);
                }
                _minCode = int.MaxValue;
                _maxCode = -1;
                foreach (var (day, c) in _wideDays) AddMonth(MonthKey(day), c);
                _wideDays.Clear();
            }
            if (_sectionColumn is not null)
            {
                for (int ord = 0; ord < _sectionColumn.ValueCount; ord++)
                    if (_sectionCounts![ord + 1] is int c and > 0)
                    {
                        string value = _sectionColumn.LookupOrd(ord);
                        _sections[value] = _sections.GetValueOrDefault(value) + c;
                    }
            }
            if (Has(FacetFields.Author) && !_authorsCounted) CountAuthors();
            _authorsCounted = false;
        }

        private static int MonthKey(long day)
        {
            var date = ArticleDocuments.DateOfDay(day);
            return date.Year * 100 + date.Month;
        }

        private void AddMonth(int key, long count) => _months[key] = _months.GetValueOrDefault(key) + count;

        private void CountAuthors()
        {
            // Few matches: their own authors (the field uninverted once per segment); many: every author's postings
            // against the match bitset (sequential, and cheaper than one lookup per match then).
            if (_leaf is SegmentReader segment && _leafMatches * 2 < segment.MaxDoc)
            {
                CountAuthorsByDocument(segment.Core.Uninverted(segment, NewsFields.Author));
                return;
            }
            var terms = _leaf.GetTerms(NewsFields.Author);
            if (terms is null) return;
            var bits = _matchBits!;
            var lookup = _authors.GetAlternateLookup<ReadOnlySpan<char>>();
            while (terms.Next())
            {
                var pe = _reuse = terms.Postings(false, _reuse);
                long c = 0;
                for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
                    if ((bits[d >> 6] & (1UL << d)) != 0) c++;
                if (c == 0) continue;
                var term = terms.Term;
                if (lookup.TryGetValue(term, out long had)) lookup[term] = had + c;
                else _authors[term.ToString()] = c;
            }
        }

        private void CountAuthorsByDocument(UninvertedField authors)
        {
            if (authors.Terms.Length == 0) return;
            Rent(ref _authorCounts, authors.Terms.Length);
            var counts = _authorCounts!;
            var bits = _matchBits!;
            var starts = authors.Starts;
            var ords = authors.Ords;
            int words = (_leaf.MaxDoc + 63) >> 6;
            for (int w = 0; w < words; w++)
            {
                ulong word = bits[w];
                while (word != 0)
                {
                    int doc = (w << 6) + BitOperations.TrailingZeroCount(word);
                    word &= word - 1;
                    for (int k = starts[doc]; k < starts[doc + 1]; k++) counts[ords[k]]++;
                }
            }
            AddAuthors(authors, counts);
        }

        private void AddAuthors(UninvertedField authors, int[] counts)
        {
            for (int ord = 0; ord < authors.Terms.Length; ord++)
                if (counts[ord] is int c and > 0)
                {
                    string term = authors.Terms[ord];
                    _authors[term] = _authors.GetValueOrDefault(term) + c;
                }
        }

        public IReadOnlyDictionary<FacetFields, IReadOnlyList<FacetValue>> Result(int size)
        {
            var result = new Dictionary<FacetFields, IReadOnlyList<FacetValue>>();
            if (Has(FacetFields.Month))
                result[FacetFields.Month] = FacetTop.Select(_months.Select(kv => (FacetTop.Month(kv.Key / 100, kv.Key % 100), kv.Value)), size);
            if (Has(FacetFields.Author)) result[FacetFields.Author] = FacetTop.Select(_authors.Select(kv => (kv.Key, kv.Value)), size);
            if (Has(FacetFields.Section)) result[FacetFields.Section] = FacetTop.Select(_sections.Select(kv => (kv.Key, kv.Value)), size);
            return result;
        }

        public void Dispose()
        {
            if (_dayCounts is not null) ArrayPool<int>.Shared.Return(_dayCounts);
            if (_sectionCounts is not null) ArrayPool<int>.Shared.Return(_sectionCounts);
            if (_matchBits is not null) ArrayPool<ulong>.Shared.Return(_matchBits);
            if (_authorCounts is not null) ArrayPool<int>.Shared.Return(_authorCounts);
            _dayCounts = _sectionCounts = _authorCounts = null;
            _matchBits = null;
        }
    }
}

/// <summary>
/// A segment's facet values counted over all its documents (deleted ones included), built on first use and kept with
/// the segment: a query matching most of a segment is counted as these minus its non-matching documents.
/// </summary>
internal sealed unsafe class FacetTotals
{
    /// <summary>Documents per raw published-day code (1- or 2-byte column), or null for a wider column.</summary>
    public int[]? DayCodes { get; private init; }
    public int MinDayCode { get; private init; }
    public int MaxDayCode { get; private init; } = -1;

    /// <summary>Documents per section ordinal + 1 (0: none), or null without a section column.</summary>
    public int[]? Sections { get; private init; }

    public UninvertedField Authors { get; private init; } = null!;

    /// <summary>Documents per author ordinal.</summary>
    public int[] AuthorTotals { get; private init; } = [];

    public static FacetTotals Build(SegmentReader segment)
    {
        var core = segment.Core;
        int maxDoc = segment.MaxDoc;
        int[]? days = null;
        int minCode = int.MaxValue, maxCode = -1;
        if (core.TryGetSmallNumericCodes(NewsFields.PublishedDay, out byte* codes, out int width, out _))
        {
            days = new int[width == 1 ? 256 : 65536];
            for (int d = 0; d < maxDoc; d++)
            {
                int code = width == 1 ? codes[d] : Unsafe.ReadUnaligned<ushort>(codes + 2L * d);
                days[code]++;
                if (code < minCode) minCode = code;
                if (code > maxCode) maxCode = code;
            }
        }
        int[]? sections = null;
        if (segment.GetSortedColumn(NewsFields.Section) is { } column)
        {
            sections = new int[column.ValueCount + 1];
            for (int d = 0; d < maxDoc; d++) sections[column.GetOrd(d) + 1]++;
        }
        var authors = core.Uninverted(segment, NewsFields.Author);
        var authorTotals = new int[authors.Terms.Length];
        foreach (int ord in authors.Ords) authorTotals[ord]++;
        return new FacetTotals
        {
            DayCodes = days, MinDayCode = days is null ? 0 : minCode, MaxDayCode = maxCode,
            Sections = sections, Authors = authors, AuthorTotals = authorTotals,
        };
    }
}
