using NUnit.Framework;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Tests.Search;

/// <summary>One fixture article.</summary>
internal sealed record TestDoc(string Id, string Title, string Body, string[]? Authors = null, string? Section = null,
    DateOnly? Date = null);

/// <summary>
/// An in-memory segment implementing the reader API from token lists, so search can be tested without the
/// on-disk index. Terms sorted by UTF-16 code unit (like the real term dictionary).
/// </summary>
internal sealed class MemoryLeafReader : LeafReader
{
    private readonly Dictionary<string, SortedDictionary<string, List<(int Doc, int[] Positions)>>> _fields = [];
    private readonly Dictionary<string, int[]> _lengths = [];
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, List<long>> _numeric = [];
    private readonly Dictionary<string, List<string?>> _sorted = [];
    private readonly HashSet<int> _deleted = [];

    /// <summary>Builds a segment: text fields analyzed with <paramref name="indexAnalyzer"/>, authors as terms,
    /// section as a term and a sorted value (like the real index), date as days since 1970.</summary>
    public static MemoryLeafReader Build(IReadOnlyList<TestDoc> docs, Func<string, Analyzer> indexAnalyzer, int docBase = 0)
    {
        var r = new MemoryLeafReader { DocBase = docBase };
        foreach (var field in NewsFields.TextFields) r._lengths[field] = new int[docs.Count];
        r._numeric[NewsFields.PublishedDay] = [];
        r._sorted[NewsFields.Section] = [];
        for (int doc = 0; doc < docs.Count; doc++)
        {
            var d = docs[doc];
            r._ids.Add(d.Id);
            r.AddTerm(NewsFields.Id, d.Id, doc, []);
            foreach (var field in NewsFields.TextFields)
            {
                string text = field.StartsWith(NewsFields.Title, StringComparison.Ordinal) ? d.Title : d.Body;
                var stream = indexAnalyzer(field).CreateTokenStream();
                stream.SetText(text);
                int pos = -1, count = 0;
                var byTerm = new Dictionary<string, List<int>>();
                while (stream.IncrementToken())
                {
                    pos += stream.PositionIncrement;
                    string term = stream.Term.ToString();
                    if (!byTerm.TryGetValue(term, out var list)) byTerm[term] = list = [];
                    list.Add(pos);
                    count++;
                }
                foreach (var (term, positions) in byTerm) r.AddTerm(field, term, doc, [.. positions]);
                r._lengths[field][doc] = count;
            }
            foreach (var a in d.Authors ?? []) r.AddTerm(NewsFields.Author, a, doc, []);
            r._sorted[NewsFields.Section].Add(d.Section);
            if (d.Section is not null) r.AddTerm(NewsFields.Section, d.Section, doc, []);
            r._numeric[NewsFields.PublishedDay].Add(d.Date is { } day
                ? day.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber
                : long.MinValue);
        }
        return r;
    }

    private void AddTerm(string field, string term, int doc, int[] positions)
    {
        if (!_fields.TryGetValue(field, out var terms))
            _fields[field] = terms = new SortedDictionary<string, List<(int, int[])>>(StringComparer.Ordinal);
        if (!terms.TryGetValue(term, out var postings)) terms[term] = postings = [];
        if (postings.Count > 0 && postings[^1].Doc == doc)
            throw new InvalidOperationException("AddTerm twice for one doc");
        postings.Add((doc, positions));
    }

    public void Delete(string id) => _deleted.Add(_ids.IndexOf(id));

    public override int MaxDoc => _ids.Count;
    public override int NumDocs => _ids.Count - _deleted.Count;
    public override bool IsLive(int doc) => !_deleted.Contains(doc);

    public override PostingsEnum? GetPostings(string field, ReadOnlySpan<char> term, bool withPositions) =>
        _fields.TryGetValue(field, out var terms) && terms.TryGetValue(term.ToString(), out var p)
            ? new MemoryPostings(p) : null;

    public override int DocFreq(string field, ReadOnlySpan<char> term) =>
        _fields.TryGetValue(field, out var terms) && terms.TryGetValue(term.ToString(), out var p) ? p.Count : 0;

    public override TermsEnum? GetTerms(string field) =>
        _fields.TryGetValue(field, out var terms) ? new MemoryTerms(terms) : null;

    public override FieldStatistics GetFieldStatistics(string field)
    {
        if (!_fields.TryGetValue(field, out var terms)) return default;
        var docs = new HashSet<int>();
        long sumTtf = 0, sumDf = 0;
        foreach (var p in terms.Values)
        {
            sumDf += p.Count;
            foreach (var (doc, pos) in p) { docs.Add(doc); sumTtf += Math.Max(1, pos.Length); }
        }
        return new FieldStatistics(docs.Count, sumTtf, sumDf);
    }

    public override int GetFieldLength(string field, int doc) => _lengths.TryGetValue(field, out var l) ? l[doc] : 1;
    public override FieldLengths GetFieldLengths(string field) =>
        _lengths.TryGetValue(field, out var l) ? new FieldLengths(l) : base.GetFieldLengths(field);
    public override string GetId(int doc) => _ids[doc];
    public override long GetNumericValue(string field, int doc, long missing = long.MinValue) =>
        _numeric.TryGetValue(field, out var v) ? v[doc] : missing;
    public override string? GetSortedValue(string field, int doc) => _sorted.TryGetValue(field, out var v) ? v[doc] : null;

    private sealed class MemoryPostings(List<(int Doc, int[] Positions)> postings) : PostingsEnum
    {
        private int _i = -1;
        private int _posIndex;

        /// <summary>Re-targets this enum at another term's postings (the reuse path of the reader API).</summary>
        public MemoryPostings Reset(List<(int Doc, int[] Positions)> other)
        {
            postings = other;
            _i = -1;
            _posIndex = 0;
            return this;
        }

        public override int DocId => _i < 0 ? -1 : _i >= postings.Count ? NoMoreDocs : postings[_i].Doc;
        public override int NextDoc() { _i++; _posIndex = 0; return DocId; }
        public override int Advance(int target)
        {
            if (target <= DocId) throw new InvalidOperationException($"Advance({target}) not beyond doc {DocId}");
            do { _i++; } while (_i < postings.Count && postings[_i].Doc < target);
            _posIndex = 0;
            return DocId;
        }
        public override int Freq => Math.Max(1, postings[_i].Positions.Length);
        public override int NextPosition() => postings[_i].Positions[_posIndex++];
        public override long Cost => postings.Count;
    }

    private sealed class MemoryTerms(SortedDictionary<string, List<(int Doc, int[] Positions)>> terms) : TermsEnum
    {
        private readonly string[] _keys = [.. terms.Keys];
        private int _i = -1;
        public override bool SeekCeil(ReadOnlySpan<char> target)
        {
            string t = target.ToString();
            int i = Array.BinarySearch(_keys, t, StringComparer.Ordinal);
            _i = i >= 0 ? i : ~i;
            return _i < _keys.Length;
        }
        public override bool Next() => ++_i < _keys.Length;
        public override ReadOnlySpan<char> Term => _keys[_i];
        public override int DocFreq => terms[_keys[_i]].Count;
        public override long TotalTermFreq => terms[_keys[_i]].Sum(p => (long)p.Positions.Length);
        public override PostingsEnum Postings(bool withPositions) => new MemoryPostings(terms[_keys[_i]]);
        public override PostingsEnum Postings(bool withPositions, PostingsEnum? reuse) =>
            reuse is MemoryPostings m ? m.Reset(terms[_keys[_i]]) : new MemoryPostings(terms[_keys[_i]]);
    }
}

/// <summary>Fixture corpus: a JSON array in the test folder, split into two segments with one deletion.</summary>
internal static class TestCorpus
{
    private sealed record Row(string Id, string? Title, string? Body, string[]? Authors, string? Section, string? Date);

    /// <summary>Reads a JSON array of {id, title, body, authors, section, date}.</summary>
    public static List<TestDoc> Load(string file)
    {
        var rows = System.Text.Json.JsonSerializer.Deserialize<Row[]>(File.ReadAllText(file),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        return rows.Select(r => new TestDoc(r.Id, r.Title ?? "", r.Body ?? "", r.Authors, r.Section,
            r.Date is null ? null : DateOnly.Parse(r.Date, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    public static string FixturePath(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Search", name);

    /// <summary>The corpus as a two-segment snapshot; articles whose id starts with "deleted" are deleted.</summary>
    public static DirectoryReader Open(IReadOnlyList<TestDoc> docs, Func<string, Analyzer> indexAnalyzer)
    {
        int half = docs.Count / 2;
        var first = MemoryLeafReader.Build(docs.Take(half).ToList(), indexAnalyzer, 0);
        var second = MemoryLeafReader.Build(docs.Skip(half).ToList(), indexAnalyzer, half);
        for (int i = 0; i < docs.Count; i++)
            if (docs[i].Id.StartsWith("deleted", StringComparison.Ordinal)) (i < half ? first : second).Delete(docs[i].Id);
        return new DirectoryReader([first, second], 0, 1);
    }
}
