using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using NewsSearch.Core;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// A request's date range (from/to) as a random-access filter over the published-day doc values: with
/// <see cref="FilteredQuery.QUERY_FIRST_FILTER_STRATEGY"/> each document the query matches is checked against its
/// day, so nothing is built per query (a NumericRangeQuery would expand its terms and fill a bitset of every
/// document in the range first). Undated documents never match, as with the indexed range.
/// </summary>
internal sealed class DayRangeFilter(long min, long max) : Filter
{
    public override DocIdSet? GetDocIdSet(AtomicReaderContext context, IBits? acceptDocs)
    {
        var reader = context.AtomicReader;
        var days = reader.GetNumericDocValues(NewsFields.PublishedDay);
        var hasDay = reader.GetDocsWithField(NewsFields.PublishedDay);
        if (days is null || hasDay is null || min > max) return null;
        return new DaySet(new DayBits(days, hasDay, acceptDocs, min, max, reader.MaxDoc));
    }

    private sealed class DayBits(NumericDocValues days, IBits hasDay, IBits? acceptDocs, long min, long max, int maxDoc) : IBits
    {
        public int Length => maxDoc;

        public bool Get(int index)
        {
            if (acceptDocs is not null && !acceptDocs.Get(index)) return false;
            if (!hasDay.Get(index)) return false;
            long day = days.Get(index);
            return day >= min && day <= max;
        }
    }

    private sealed class DaySet(DayBits bits) : DocIdSet
    {
        public override IBits Bits => bits;

        public override bool IsCacheable => false;

        public override DocIdSetIterator GetIterator() => new Scan(bits);
    }

    /// <summary>For strategies that iterate the filter: every document in order, checked one by one.</summary>
    private sealed class Scan(DayBits bits) : DocIdSetIterator
    {
        private int _doc = -1;

        public override int DocID => _doc;

        public override int NextDoc() => Advance(_doc + 1);

        public override int Advance(int target)
        {
            for (int d = target; d < bits.Length; d++)
                if (bits.Get(d)) return _doc = d;
            return _doc = NO_MORE_DOCS;
        }

        public override long GetCost() => bits.Length;
    }
}
