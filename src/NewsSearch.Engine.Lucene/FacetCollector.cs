using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using NewsSearch.Core;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using LScorer = Lucene.Net.Search.Scorer;

using DirectoryReader = Lucene.Net.Index.DirectoryReader;
using SegmentReader = Lucene.Net.Index.SegmentReader;
using AtomicReader = Lucene.Net.Index.AtomicReader;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// Counts facet values over every matching document (not the page) from doc values: month from the published
/// day, author from its sorted-set ordinals, section from its sorted ordinals. Counting is by ordinal into arrays
/// reused across segments (months by a month number), so a document allocates nothing; ordinals are turned into
/// strings once per segment, only for values that were counted.
/// </summary>
internal sealed class FacetCollector(FacetFields fields) : ICollector
{
    // Counts by month number (year * 12 + month - 1) - _firstMonth, grown to the months seen.
    private long[] _monthCounts = [];
    private int _firstMonth;
    private readonly Dictionary<string, long> _authors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sections = new(StringComparer.Ordinal);
    private NumericDocValues? _days;
    private IBits? _hasDay;
    private SortedSetDocValues? _author;
    private SortedDocValues? _section;
    private long[] _authorCounts = [], _sectionCounts = [];
    private long _lastDay = long.MinValue;
    private int _lastMonth;

    public bool AcceptsDocsOutOfOrder => false; // see LuceneSnapshot.Search: in-order scoring allocates less

    public void SetScorer(LScorer scorer) { }

    public void SetNextReader(AtomicReaderContext context)
    {
        FlushSegment();
        var r = context.AtomicReader;
        if ((fields & FacetFields.Month) != 0)
        {
            _days = r.GetNumericDocValues(NewsFields.PublishedDay);
            _hasDay = _days is null ? null : r.GetDocsWithField(NewsFields.PublishedDay);
        }
        if ((fields & FacetFields.Author) != 0)
        {
            _author = r.GetSortedSetDocValues(NewsFields.Author);
            if (_author is not null) _authorCounts = Cleared(_authorCounts, _author.ValueCount);
        }
        if ((fields & FacetFields.Section) != 0)
        {
            _section = r.GetSortedDocValues(NewsFields.Section);
            if (_section is not null) _sectionCounts = Cleared(_sectionCounts, _section.ValueCount);
        }
    }

    private static long[] Cleared(long[] counts, long size)
    {
        if (counts.Length < size) return new long[Math.Max(size, counts.Length * 2)];
        Array.Clear(counts, 0, (int)size);
        return counts;
    }

    public void Collect(int doc)
    {
        if (_days is not null && _hasDay!.Get(doc))
        {
            long day = _days.Get(doc);
            if (day != _lastDay)
            {
                var date = ArticleDocuments.DateOfDay(day);
                _lastDay = day;
                _lastMonth = date.Year * 12 + date.Month - 1;
            }
            int slot = _lastMonth - _firstMonth;
            if ((uint)slot >= (uint)_monthCounts.Length) slot = GrowMonths(_lastMonth);
            _monthCounts[slot]++;
        }
        if (_author is not null)
        {
            _author.SetDocument(doc);
            long ord;
            while ((ord = _author.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS) _authorCounts[ord]++;
        }
        if (_section is not null)
        {
            int ord = _section.GetOrd(doc);
            if (ord >= 0) _sectionCounts[ord]++;
        }
    }

    /// <summary>Widens the month counts to cover <paramref name="month"/>; returns its slot.</summary>
    private int GrowMonths(int month)
    {
        if (_monthCounts.Length == 0)
        {
            _firstMonth = month - 12;
            _monthCounts = new long[64];
            return month - _firstMonth;
        }
        int first = Math.Min(_firstMonth, month - 12);
        int last = Math.Max(_firstMonth + _monthCounts.Length - 1, month + 12);
        var grown = new long[last - first + 1];
        Array.Copy(_monthCounts, 0, grown, _firstMonth - first, _monthCounts.Length);
        _monthCounts = grown;
        _firstMonth = first;
        return month - first;
    }

    private void FlushSegment()
    {
        var bytes = new BytesRef();
        if (_author is not null)
        {
            for (long ord = 0; ord < _author.ValueCount; ord++)
            {
                if (_authorCounts[ord] == 0) continue;
                _author.LookupOrd(ord, bytes);
                string v = bytes.Utf8ToString();
                _authors[v] = _authors.GetValueOrDefault(v) + _authorCounts[ord];
            }
            _author = null;
        }
        if (_section is not null)
        {
            for (int ord = 0; ord < _section.ValueCount; ord++)
            {
                if (_sectionCounts[ord] == 0) continue;
                _section.LookupOrd(ord, bytes);
                string v = bytes.Utf8ToString();
                _sections[v] = _sections.GetValueOrDefault(v) + _sectionCounts[ord];
            }
            _section = null;
        }
        _days = null;
        _hasDay = null;
    }

    /// <summary>Per requested facet its <paramref name="size"/> most frequent values (<see cref="FacetTop"/>).</summary>
    public IReadOnlyDictionary<FacetFields, IReadOnlyList<FacetValue>> Result(int size)
    {
        FlushSegment();
        var result = new Dictionary<FacetFields, IReadOnlyList<FacetValue>>();
        if ((fields & FacetFields.Month) != 0)
        {
            var months = new List<(string, long)>();
            for (int i = 0; i < _monthCounts.Length; i++)
            {
                if (_monthCounts[i] == 0) continue;
                int m = _firstMonth + i;
                months.Add((FacetTop.Month(m / 12, m % 12 + 1), _monthCounts[i]));
            }
            result[FacetFields.Month] = FacetTop.Select(months, size);
        }
        if ((fields & FacetFields.Author) != 0)
            result[FacetFields.Author] = FacetTop.Select(_authors.Select(kv => (kv.Key, kv.Value)), size);
        if ((fields & FacetFields.Section) != 0)
            result[FacetFields.Section] = FacetTop.Select(_sections.Select(kv => (kv.Key, kv.Value)), size);
        return result;
    }
}
