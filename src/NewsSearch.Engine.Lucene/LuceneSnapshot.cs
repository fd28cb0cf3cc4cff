using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using NewsSearch.Core;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using LExplanation = Lucene.Net.Search.Explanation;
using Explanation = NewsSearch.Core.Search.Explanation;
using LIndexSearcher = Lucene.Net.Search.IndexSearcher;
using LOccur = Lucene.Net.Search.Occur;
using LBooleanQuery = Lucene.Net.Search.BooleanQuery;
using LQuery = Lucene.Net.Search.Query;
using NsBooleanQuery = NewsSearch.Core.Search.BooleanQuery;
using NsNumericRangeQuery = NewsSearch.Core.Search.NumericRangeQuery;
using NsOccur = NewsSearch.Core.Search.Occur;
using NsQuery = NewsSearch.Core.Search.Query;
using SearchFilters = NewsSearch.Core.Search.SearchFilters;

using DirectoryReader = Lucene.Net.Index.DirectoryReader;
using SegmentReader = Lucene.Net.Index.SegmentReader;
using AtomicReader = Lucene.Net.Index.AtomicReader;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// One point-in-time Lucene searcher, reference-counted: the publisher holds one reference, every lease another;
/// at zero the searcher goes back to where it came from (the SearcherManager, or a read-only reader is closed).
/// </summary>
internal sealed class LuceneSnapshot : IEngineSnapshot
{
    private readonly LIndexSearcher _searcher;
    private readonly EngineCommit _commit;
    private readonly Action _onLastRef;
    private int _refs = 1;

    public LuceneSnapshot(LIndexSearcher searcher, EngineCommit commit, Action onLastRef)
    {
        _searcher = searcher;
        _commit = commit;
        _onLastRef = onLastRef;
    }

    internal LIndexSearcher Searcher => _searcher;

    public string Engine => EngineNames.Lucene;

    public long Generation => _commit.Generation;

    public long StoreSequence => _commit.StoreSequence;

    public string AnalysisSignature => _commit.AnalysisSignature;

    public int NumDocs => _searcher.IndexReader.NumDocs;

    public bool TryIncRef()
    {
        while (true)
        {
            int n = Volatile.Read(ref _refs);
            if (n <= 0) return false;
            if (Interlocked.CompareExchange(ref _refs, n + 1, n) == n) return true;
        }
    }

    public void DecRef()
    {
        int n = Interlocked.Decrement(ref _refs);
        if (n == 0) _onLastRef();
        else if (n < 0) throw new InvalidOperationException("snapshot released more often than acquired");
    }

    public void Dispose() => DecRef();

    public EngineSearchResult Search(EngineSearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.TopN);
        LQuery query = LuceneQueryCompiler.Compile(request.Query);
        if (request.Filter is not null)
        {
            // Date ranges check each match's day (DayRangeFilter); the other filters are non-scoring MUST clauses.
            var (ranges, others) = SplitFilter(request.Filter);
            if (others.Count > 0)
            {
                var combined = new LBooleanQuery(disableCoord: true) { { query, LOccur.MUST } };
                foreach (var f in others) combined.Add(LuceneQueryCompiler.NonScoring(LuceneQueryCompiler.Compile(f)), LOccur.MUST);
                query = combined;
            }
            foreach (var range in ranges)
                query = new FilteredQuery(query, new DayRangeFilter(range.Min, range.Max), FilteredQuery.QUERY_FIRST_FILTER_STRATEGY);
        }

        var facets = request.Facets != FacetFields.None ? new FacetCollector(request.Facets) : null;
        // A rescore reads the best max(TopN, window) hits of the first pass.
        int depth = request.Rescore is { } r && request.Order == HitOrder.Relevance && request.TopN > 0
            ? Math.Max(request.TopN, r.Window)
            : request.TopN;
        // In-order collection: Lucene then scores disjunctions with BooleanScorer2 instead of the out-of-order
        // BooleanScorer, whose bucket table (2,048 objects, ~115 KB) was allocated per segment per query.
        TopFieldCollector? top = depth > 0
            ? TopFieldCollector.Create(SortOf(request.Order), depth, fillFields: false, trackDocScores: true,
                trackMaxScore: false, docsScoredInOrder: true)
            : null;
        var counter = top is null ? new TotalHitCountCollector() : null;
        ICollector collector = top is not null ? top : counter!;
        if (facets is not null) collector = MultiCollector.Wrap(collector, facets);
        _searcher.Search(query, collector);

        var hits = new List<EngineHit>();
        long total;
        if (top is not null)
        {
            var docs = top.GetTopDocs();
            total = docs.TotalHits;
            var scoreDocs = docs.ScoreDocs;
            LQuery? rescore = null;
            if (request.Rescore is { } rs && request.Order == HitOrder.Relevance)
            {
                rescore = LuceneQueryCompiler.Compile(rs.Query);
                scoreDocs = Rescore(scoreDocs, rescore, rs);
            }
            var leaves = _searcher.IndexReader.Leaves;
            int n = Math.Min(scoreDocs.Length, request.TopN);
            for (int i = 0; i < n; i++)
            {
                var sd = scoreDocs[i];
                var leaf = leaves[ReaderUtil.SubIndex(sd.Doc, leaves)];
                int local = sd.Doc - leaf.DocBase;
                var hit = new EngineHit(IdOf(leaf.AtomicReader, local), sd.Score, DayOf(leaf.AtomicReader, local));
                if (request.Explain) hit = hit with { Explanation = ExplainHit(query, rescore, request.Rescore, sd.Doc) };
                hits.Add(hit);
            }
        }
        else
        {
            total = counter!.TotalHits;
        }
        var result = new EngineSearchResult(total, hits);
        return facets is null ? result : result with { Facets = facets.Result(request.FacetSize) };
    }

    /// <summary>A request filter's published-day ranges and its other clauses (it is one clause or a boolean of
    /// Filter clauses, <see cref="SearchFilters.Build"/>).</summary>
    private static (List<NsNumericRangeQuery> Ranges, List<NsQuery> Others) SplitFilter(NsQuery filter)
    {
        var ranges = new List<NsNumericRangeQuery>();
        var others = new List<NsQuery>();
        void Take(NsQuery q)
        {
            if (q is NsNumericRangeQuery r && r.Field == NewsFields.PublishedDay) ranges.Add(r);
            else others.Add(q);
        }
        if (filter is NsBooleanQuery b && b.MinimumShouldMatch == 0 && b.Clauses.All(c => c.Occur is NsOccur.Filter or NsOccur.Must))
            foreach (var c in b.Clauses) Take(c.Query);
        else Take(filter);
        return (ranges, others);
    }

    /// <summary>Every order breaks ties by article id (ordinal; ids are ASCII, so UTF-8 byte order agrees).</summary>
    internal static Sort SortOf(HitOrder order)
    {
        var byId = new SortField(NewsFields.Id, SortFieldType.STRING);
        return order switch
        {
            HitOrder.Relevance => new Sort(SortField.FIELD_SCORE, byId),
            // Undated documents last either way: the missing value sorts after every real day.
            HitOrder.Newest => new Sort(DaySort(reverse: true, missing: long.MinValue), byId),
            HitOrder.Oldest => new Sort(DaySort(reverse: false, missing: long.MaxValue), byId),
            _ => throw new NotSupportedException($"Hit order {order} is not supported by the Lucene engine."),
        };
    }

    private static SortField DaySort(bool reverse, long missing)
    {
        var field = new SortField(NewsFields.PublishedDay, SortFieldType.INT64, reverse);
        field.SetMissingValue(missing);
        return field;
    }

    internal static string IdOf(AtomicReader reader, int doc)
    {
        var ids = reader.GetSortedDocValues(NewsFields.Id);
        var bytes = new BytesRef();
        ids.Get(doc, bytes);
        return bytes.Utf8ToString();
    }

    private static long DayOf(AtomicReader reader, int doc)
    {
        var days = reader.GetNumericDocValues(NewsFields.PublishedDay);
        var has = reader.GetDocsWithField(NewsFields.PublishedDay);
        return days is not null && has is not null && has.Get(doc) ? days.Get(doc) : long.MinValue;
    }

    private static Explanation Convert(LExplanation e) =>
        new(e.IsMatch, e.Value, e.Description, (e.GetDetails() ?? []).Select(Convert).ToArray());

    private Explanation ExplainHit(LQuery query, LQuery? rescore, EngineRescore? rs, int doc)
    {
        var first = Convert(_searcher.Explain(query, doc));
        if (rescore is null || rs is null) return first;
        var second = _searcher.Explain(rescore, doc);
        if (!second.IsMatch) return first;
        var bonus = Convert(second);
        return new Explanation(true, first.Value + rs.Weight * bonus.Value,
            $"first pass + {rs.Weight} × rescore", [first, bonus]);
    }

    /// <summary>QueryRescorer with weights 1 and <see cref="EngineRescore.Weight"/> over the first pass's
    /// max(TopN, window) hits, ties by article id (as the first pass sorts).</summary>
    private ScoreDoc[] Rescore(ScoreDoc[] firstPass, LQuery rescore, EngineRescore rs)
    {
        if (firstPass.Length == 0) return firstPass;
        var head = (ScoreDoc[])firstPass.Clone();
        Array.Sort(head, static (a, b) => a.Doc.CompareTo(b.Doc));
        var weight = _searcher.CreateNormalizedWeight(rescore);
        var leaves = _searcher.IndexReader.Leaves;
        int li = -1;
        Scorer? scorer = null;
        foreach (var sd in head)
        {
            if (li < 0 || sd.Doc >= leaves[li].DocBase + leaves[li].AtomicReader.MaxDoc)
            {
                li = ReaderUtil.SubIndex(sd.Doc, leaves);
                scorer = weight.GetScorer(leaves[li], leaves[li].AtomicReader.LiveDocs);
            }
            if (scorer is null) continue;
            int local = sd.Doc - leaves[li].DocBase;
            int at = scorer.DocID < local ? scorer.Advance(local) : scorer.DocID;
            if (at == local) sd.Score += rs.Weight * scorer.GetScore();
        }
        var byDoc = new Dictionary<int, string>(head.Length);
        foreach (var sd in head)
        {
            var leaf = leaves[ReaderUtil.SubIndex(sd.Doc, leaves)];
            byDoc[sd.Doc] = IdOf(leaf.AtomicReader, sd.Doc - leaf.DocBase);
        }
        Array.Sort(head, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : IdOrder.Compare(byDoc[a.Doc], byDoc[b.Doc]));
        return head;
    }

    public long DocFreq(string field, string term)
    {
        var reader = _searcher.IndexReader;
        var docs = MultiFields.GetTermDocsEnum(reader, MultiFields.GetLiveDocs(reader), field, new BytesRef(term), DocsFlags.NONE);
        if (docs is null) return 0;
        long n = 0;
        while (docs.NextDoc() != DocIdSetIterator.NO_MORE_DOCS) n++;
        return n;
    }

    public IReadOnlySet<string> LiveIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var bytes = new BytesRef();
        foreach (var leaf in _searcher.IndexReader.Leaves)
        {
            var reader = leaf.AtomicReader;
            var live = reader.LiveDocs;
            var dv = reader.GetSortedDocValues(NewsFields.Id);
            if (dv is null) continue;
            for (int d = 0; d < reader.MaxDoc; d++)
            {
                if (live is not null && !live.Get(d)) continue;
                dv.Get(d, bytes);
                ids.Add(bytes.Utf8ToString());
            }
        }
        return ids;
    }

    public IndexStats GetStats(string folder)
    {
        var reader = _searcher.IndexReader;
        var segments = new List<SegmentStats>();
        var terms = new Dictionary<string, long>(StringComparer.Ordinal);
        var leaves = reader.Leaves;
        foreach (var leaf in leaves)
        {
            var r = leaf.AtomicReader;
            long bytes = r is SegmentReader sr ? sr.SegmentInfo.GetSizeInBytes() : 0;
            string name = r is SegmentReader s2 ? s2.SegmentName : leaf.Ord.ToString(System.Globalization.CultureInfo.InvariantCulture);
            segments.Add(new SegmentStats(name, r.MaxDoc, r.NumDocs, r.NumDeletedDocs, bytes));
        }
        // Exact term counts are cheap only for one segment (a merged index); summing segments would over-count.
        if (leaves.Count == 1)
            foreach (var field in NewsFields.TextFields)
            {
                var t = leaves[0].AtomicReader.GetTerms(field);
                if (t is not null && t.Count >= 0) terms[field] = t.Count;
            }
        var bytesPerExt = new Dictionary<string, long>(StringComparer.Ordinal);
        if (reader is DirectoryReader dr)
        {
            foreach (var file in dr.IndexCommit.FileNames)
            {
                var fi = new FileInfo(Path.Combine(folder, file));
                if (!fi.Exists) continue;
                string ext = file.StartsWith("segments", StringComparison.Ordinal) ? "segments"
                    : Path.GetExtension(file).TrimStart('.');
                bytesPerExt[ext] = bytesPerExt.GetValueOrDefault(ext) + fi.Length;
            }
        }
        return new IndexStats(folder, Generation, StoreSequence, AnalysisSignature, reader.MaxDoc, reader.NumDocs,
            reader.NumDeletedDocs, segments, terms, bytesPerExt, new Dictionary<string, FieldBytes>())
        {
            Engine = EngineNames.Lucene,
            Format = LuceneIndexEngine.FormatName,
        };
    }
}
