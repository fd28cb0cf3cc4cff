using Lucene.Net.Index;
using Lucene.Net.Util;
using NewsSearch.Core;
using NewsSearch.Core.Index;
using LFieldInfo = Lucene.Net.Index.FieldInfo;
using LFieldInfos = Lucene.Net.Index.FieldInfos;
using LIndexOptions = Lucene.Net.Index.IndexOptions;
using NsAnalyzer = NewsSearch.Core.Analysis.Analyzer;
using NsDocument = NewsSearch.Core.Index.Document;
using NsIndexOptions = NewsSearch.Core.Index.IndexOptions;
using TermsEnum = Lucene.Net.Index.TermsEnum;
using SeekStatus = Lucene.Net.Index.TermsEnum.SeekStatus;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// The Lucene engine's in-memory segment: documents are inverted by the native engine's <see cref="DocumentsBuffer"/>
/// (open addressing on the term's chars, prefetched, no allocation per token) into exactly the fields
/// <see cref="LuceneDocumentBuilder"/> gives Lucene's own inverter, and the buffer is then written as a Lucene
/// segment by Lucene itself: <see cref="AsReader"/> shows it as an <see cref="AtomicReader"/> that
/// <c>IndexWriter.AddIndexes</c> merges through the codec. The index is the same standard Lucene 4.8 index; only the
/// in-memory inversion is ours (Lucene's inverter was two thirds of the engine's indexing time: hash lookups into
/// the per-field term table, postings appends, the flush's term sort). A test indexes the same documents both ways
/// and compares every term, posting, position, norm and doc value.
/// <para>Not thread-safe: the engine writer serializes access.</para>
/// </summary>
internal sealed class LuceneSegmentBuffer
{
    private readonly DocumentsBuffer _buffer;
    private readonly List<(int Doc, string Value)> _authors = [];
    private readonly HashSet<string> _seenFields = new(StringComparer.Ordinal);
    private readonly BytesRef _trie = new(NumericUtils.BUF_SIZE_INT64);
    private readonly char[] _trieChars = new char[NumericUtils.BUF_SIZE_INT64];

    public LuceneSegmentBuffer(Func<string, NsAnalyzer> chainOf) => _buffer = new DocumentsBuffer(chainOf, codePointTerms: true);

    public int NumDocs => _buffer.NumDocs;

    public long BytesUsed => _buffer.BytesUsed + _authors.Count * 32L;

    /// <summary>Adds a document; a buffered document with the same id is superseded (marked deleted here).</summary>
    public void Add(NsDocument document)
    {
        _buffer.Add(document);
        int doc = _buffer.NumDocs - 1;
        foreach (var f in document.TextFields) _seenFields.Add(f.Name);
        foreach (var f in document.StringFields)
        {
            _seenFields.Add(f.Name);
            if (f.Name == NewsFields.Author) _authors.Add((doc, f.Value));
        }
        foreach (var f in document.SortedFields)
        {
            _seenFields.Add(f.Name);
            // As LuceneDocumentBuilder: kind is also an indexed keyword (a term filter).
            if (f.Name == ArticleDocuments.KindField) _buffer.AddKeyword(f.Name, f.Value, doc);
        }
        foreach (var f in document.NumericFields)
        {
            _seenFields.Add(f.Name);
            // Int64Field's trie terms: the value at every precision step (NumericRangeQuery reads them).
            for (int shift = 0; shift < 64; shift += NumericUtils.PRECISION_STEP_DEFAULT)
            {
                NumericUtils.Int64ToPrefixCoded(f.Value, shift, _trie);
                for (int i = 0; i < _trie.Length; i++) _trieChars[i] = (char)_trie.Bytes[_trie.Offset + i];
                _buffer.AddKeyword(f.Name, _trieChars.AsSpan(0, _trie.Length), doc);
            }
        }
    }

    /// <summary>Marks a buffered document with this id deleted (the caller deletes it from the index too).</summary>
    public void Delete(string id) => _buffer.DeleteId(id);

    /// <summary>The buffer as a reader for <c>IndexWriter.AddIndexes</c>; valid until <see cref="Reset"/>.</summary>
    public AtomicReader AsReader() => new BufferedAtomicReader(this);

    public void Reset()
    {
        _buffer.Reset();
        _authors.Clear();
        _seenFields.Clear();
    }

    /// <summary>Releases the memory kept for reuse (an idle writer does not sit on the arrays of a bulk load).</summary>
    public void Trim() => _buffer.Trim();

    private sealed class BufferedAtomicReader : AtomicReader
    {
        private readonly LuceneSegmentBuffer _owner;
        private readonly DocumentsBuffer _buffer;
        private readonly int _maxDoc;
        private readonly Dictionary<string, BufferedField> _indexed = new(StringComparer.Ordinal);
        private readonly LFieldInfos _fieldInfos;
        private readonly IBits? _liveDocs;
        private readonly int _numDocs;

        public BufferedAtomicReader(LuceneSegmentBuffer owner)
        {
            _owner = owner;
            _buffer = owner._buffer;
            _maxDoc = _buffer.NumDocs;
            foreach (var f in _buffer.BufferedFields)
                if (f.TermCount > 0) _indexed[f.Name] = f;
            var deleted = _buffer.DeletedDocNumbers;
            _numDocs = _maxDoc;
            if (deleted.Count > 0)
            {
                var live = new FixedBitSet(_maxDoc);
                live.Set(0, _maxDoc);
                foreach (int d in deleted)
                {
                    if (live.Get(d)) _numDocs--;
                    live.Clear(d);
                }
                _liveDocs = live;
            }
            _fieldInfos = BuildFieldInfos();
        }

        /// <summary>The fields as LuceneDocumentBuilder's Lucene fields declare them (what IndexWriter would record).</summary>
        private LFieldInfos BuildFieldInfos()
        {
            var names = new SortedSet<string>(_owner._seenFields, StringComparer.Ordinal) { NewsFields.Id };
            var infos = new List<LFieldInfo>();
            int number = 0;
            foreach (string name in names)
            {
                bool text = _indexed.TryGetValue(name, out var f) ? f.IsText : IsTextField(name);
                DocValuesType docValues = name switch
                {
                    NewsFields.Id => DocValuesType.SORTED,
                    NewsFields.Author => DocValuesType.SORTED_SET,
                    _ when _buffer.SortedValues.ContainsKey(name) => DocValuesType.SORTED,
                    _ when _buffer.NumericValues.ContainsKey(name) => DocValuesType.NUMERIC,
                    _ => DocValuesType.NONE,
                };
                // Every field here is indexed: text fields with positions and norms, the others as keywords.
                infos.Add(text
                    ? new LFieldInfo(name, true, number++, false, false, false, LIndexOptions.DOCS_AND_FREQS_AND_POSITIONS,
                        DocValuesType.NONE, DocValuesType.NUMERIC, null)
                    : new LFieldInfo(name, true, number++, false, true, false, LIndexOptions.DOCS_ONLY,
                        docValues, DocValuesType.NONE, null));
            }
            return new LFieldInfos(infos.ToArray());
        }

        private bool IsTextField(string name) => name is NewsFields.Title or NewsFields.Body or NewsFields.TitleGrams or NewsFields.BodyGrams;

        public override Fields Fields => new BufferedFields(this);

        public override LFieldInfos FieldInfos => _fieldInfos;

        public override IBits? LiveDocs => _liveDocs;

        public override int NumDocs => _numDocs;

        public override int MaxDoc => _maxDoc;

        public override void CheckIntegrity() { } // in memory: nothing to verify

        public override Fields? GetTermVectors(int docID) => null;

        public override void Document(int docID, StoredFieldVisitor visitor) { } // nothing is stored

        protected override void DoClose() { }

        public override NumericDocValues? GetNormValues(string field)
        {
            if (!_indexed.TryGetValue(field, out var f) || !f.IsText) return null;
            var norms = new long[_maxDoc];
            var similarity = LuceneIndexEngine.Similarity;
            var state = new FieldInvertState(field);
            for (int d = 0; d < _maxDoc; d++)
            {
                // Field length as Lucene counts it with discountOverlaps: tokens that advance the position.
                state.Length = d < f.Lengths.Length ? f.Lengths[d] : 0;
                state.Boost = 1f;
                norms[d] = similarity.ComputeNorm(state);
            }
            return new ArrayNumericValues(norms);
        }

        public override NumericDocValues? GetNumericDocValues(string field)
        {
            if (!_buffer.NumericValues.TryGetValue(field, out var values)) return null;
            var dense = new long[_maxDoc];
            for (int d = 0; d < _maxDoc && d < values.Length; d++) dense[d] = values[d] == long.MinValue ? 0 : values[d];
            return new ArrayNumericValues(dense);
        }

        public override BinaryDocValues? GetBinaryDocValues(string field) => null;

        public override SortedDocValues? GetSortedDocValues(string field)
        {
            if (field == NewsFields.Id)
            {
                var ids = new string?[_maxDoc];
                for (int d = 0; d < _maxDoc; d++) ids[d] = _buffer.Ids[d];
                return new ArraySortedValues(ids);
            }
            if (!_buffer.SortedValues.TryGetValue(field, out var values)) return null;
            var perDoc = new string?[_maxDoc];
            Array.Copy(values, perDoc, Math.Min(values.Length, _maxDoc));
            return new ArraySortedValues(perDoc);
        }

        public override SortedSetDocValues? GetSortedSetDocValues(string field) =>
            field == NewsFields.Author && _owner._authors.Count > 0 ? new ListSortedSetValues(_owner._authors, _maxDoc) : null;

        public override IBits? GetDocsWithField(string field)
        {
            if (_buffer.NumericValues.TryGetValue(field, out var numbers))
            {
                var bits = new FixedBitSet(_maxDoc);
                for (int d = 0; d < _maxDoc && d < numbers.Length; d++) if (numbers[d] != long.MinValue) bits.Set(d);
                return bits;
            }
            if (field == NewsFields.Id) return new Bits.MatchAllBits(_maxDoc);
            if (_buffer.SortedValues.TryGetValue(field, out var values))
            {
                var bits = new FixedBitSet(_maxDoc);
                for (int d = 0; d < _maxDoc && d < values.Length; d++) if (values[d] is not null) bits.Set(d);
                return bits;
            }
            if (field == NewsFields.Author)
            {
                var bits = new FixedBitSet(_maxDoc);
                foreach (var (d, _) in _owner._authors) bits.Set(d);
                return bits;
            }
            return null;
        }

        private sealed class BufferedFields(BufferedAtomicReader reader) : Fields
        {
            private readonly string[] _names = reader._indexed.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

            public override IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_names).GetEnumerator();

            public override Terms? GetTerms(string field) =>
                reader._indexed.TryGetValue(field, out var f) ? new BufferedTerms(reader._buffer, f) : null;

            public override int Count => _names.Length;
        }
    }

    private sealed class BufferedTerms(DocumentsBuffer buffer, BufferedField terms) : Terms
    {
        private int[]? _order;

        private int[] Order => _order ??= buffer.SortedTermIds(terms);

        public override TermsEnum GetEnumerator() => new BufferedTermsEnum(buffer, terms, Order);

        public override IComparer<BytesRef> Comparer => BytesRef.UTF8SortedAsUnicodeComparer;

        public override long Count => terms.TermCount;

        public override long SumTotalTermFreq => -1;

        public override long SumDocFreq => -1;

        public override int DocCount => -1;

        public override bool HasFreqs => terms.Options != NsIndexOptions.Docs;

        public override bool HasOffsets => false;

        public override bool HasPositions => terms.HasPositions;

        public override bool HasPayloads => false;
    }

    private sealed class BufferedTermsEnum(DocumentsBuffer buffer, BufferedField terms, int[] order) : TermsEnum
    {
        private int _index = -1;
        private readonly BytesRef _term = new(16);

        public override IComparer<BytesRef> Comparer => BytesRef.UTF8SortedAsUnicodeComparer;

        public override bool MoveNext()
        {
            if (++_index >= order.Length) { _index = order.Length; return false; }
            var text = buffer.TermText(terms, order[_index]);
            int max = text.Length * 3;
            if (_term.Bytes.Length < max) _term.Bytes = new byte[Math.Max(max, _term.Bytes.Length * 2)];
            _term.Offset = 0;
            _term.Length = System.Text.Encoding.UTF8.GetBytes(text, _term.Bytes);
            return true;
        }

        [Obsolete("Use MoveNext() and Term instead.")]
        public override BytesRef? Next() => MoveNext() ? _term : null;

        public override BytesRef Term => _term;

        public override SeekStatus SeekCeil(BytesRef text)
        {
            // Binary search over the sorted terms (not on the merge path; here for completeness).
            int lo = 0, hi = order.Length - 1;
            var probe = new BytesRef();
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                probe.CopyChars(buffer.TermText(terms, order[mid]).ToString());
                int c = BytesRef.UTF8SortedAsUnicodeComparer.Compare(probe, text);
                if (c < 0) lo = mid + 1;
                else if (c > 0) hi = mid - 1;
                else { _index = mid - 1; MoveNext(); return SeekStatus.FOUND; }
            }
            _index = lo - 1;
            return MoveNext() ? SeekStatus.NOT_FOUND : SeekStatus.END;
        }

        public override void SeekExact(long ord) => throw new NotSupportedException("Buffered terms have no ordinals.");

        public override long Ord => throw new NotSupportedException("Buffered terms have no ordinals.");

        public override int DocFreq
        {
            get
            {
                var p = buffer.OpenPostings(terms, order[_index]);
                int n = 0;
                while (p.NextDoc()) n++;
                return n;
            }
        }

        public override long TotalTermFreq
        {
            get
            {
                var p = buffer.OpenPostings(terms, order[_index]);
                long n = 0;
                while (p.NextDoc()) n += p.Freq;
                return n;
            }
        }

        public override DocsEnum Docs(IBits? liveDocs, DocsEnum? reuse, DocsFlags flags)
        {
            var e = reuse as BufferedDocsEnum ?? new BufferedDocsEnum();
            e.Reset(buffer.OpenPostings(terms, order[_index]), liveDocs);
            return e;
        }

        public override DocsAndPositionsEnum? DocsAndPositions(IBits? liveDocs, DocsAndPositionsEnum? reuse, DocsAndPositionsFlags flags)
        {
            if (!terms.HasPositions) return null;
            var e = reuse as BufferedDocsEnum ?? new BufferedDocsEnum();
            e.Reset(buffer.OpenPostings(terms, order[_index]), liveDocs);
            return e;
        }
    }

    /// <summary>Docs, freqs and positions of one buffered term (Lucene reuses one instance across terms).</summary>
    private sealed class BufferedDocsEnum : DocsAndPositionsEnum
    {
        private BufferedPostings _postings;
        private IBits? _liveDocs;
        private int _doc = -1;

        public void Reset(BufferedPostings postings, IBits? liveDocs)
        {
            _postings = postings;
            _liveDocs = liveDocs;
            _doc = -1;
        }

        public override int DocID => _doc;

        public override int Freq => _postings.Freq;

        public override int NextDoc()
        {
            while (_postings.NextDoc())
            {
                if (_liveDocs is not null && !_liveDocs.Get(_postings.Doc)) continue;
                return _doc = _postings.Doc;
            }
            return _doc = NO_MORE_DOCS;
        }

        public override int Advance(int target)
        {
            int d;
            while ((d = NextDoc()) < target) { }
            return d;
        }

        public override long GetCost() => 1;

        public override int NextPosition() => _postings.NextPosition();

        public override int StartOffset => -1;

        public override int EndOffset => -1;

        public override BytesRef? GetPayload() => null;
    }

    private sealed class ArrayNumericValues(long[] values) : NumericDocValues
    {
        public override long Get(int docID) => values[docID];
    }

    /// <summary>One optional value per doc as ordinals into the distinct values in code point order.</summary>
    private sealed class ArraySortedValues : SortedDocValues
    {
        private readonly int[] _ords;
        private readonly BytesRef[] _values;

        public ArraySortedValues(string?[] perDoc)
        {
            (_values, var ordOf) = Ordinals(perDoc.Where(v => v is not null)!);
            _ords = new int[perDoc.Length];
            for (int d = 0; d < perDoc.Length; d++) _ords[d] = perDoc[d] is { } v ? ordOf[v] : -1;
        }

        public override int GetOrd(int docID) => _ords[docID];

        public override void LookupOrd(int ord, BytesRef result) => PointAt(_values[ord], result);

        public override int ValueCount => _values.Length;
    }

    /// <summary>Any number of values per doc (authors), each doc's ordinals distinct and ascending.</summary>
    private sealed class ListSortedSetValues : SortedSetDocValues
    {
        private readonly int[] _start;
        private readonly int[] _ords;
        private readonly BytesRef[] _values;
        private int _next;
        private int _end;

        public ListSortedSetValues(List<(int Doc, string Value)> entries, int maxDoc)
        {
            (_values, var ordOf) = Ordinals(entries.Select(e => e.Value));
            var perDoc = entries.Select(e => (e.Doc, Ord: ordOf[e.Value])).Distinct().OrderBy(e => e.Doc).ThenBy(e => e.Ord).ToArray();
            _start = new int[maxDoc + 1];
            foreach (var (doc, _) in perDoc) _start[doc + 1]++;
            for (int d = 0; d < maxDoc; d++) _start[d + 1] += _start[d];
            _ords = perDoc.Select(e => e.Ord).ToArray();
        }

        public override void SetDocument(int docID)
        {
            _next = _start[docID];
            _end = _start[docID + 1];
        }

        public override long NextOrd() => _next < _end ? _ords[_next++] : NO_MORE_ORDS;

        public override void LookupOrd(long ord, BytesRef result) => PointAt(_values[ord], result);

        public override long ValueCount => _values.Length;
    }

    /// <summary>The distinct values in code point order (Lucene's order of doc values), as UTF-8, and each one's ordinal.</summary>
    private static (BytesRef[] Values, Dictionary<string, int> OrdOf) Ordinals(IEnumerable<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(distinct, CodePointComparer.Instance);
        var ordOf = new Dictionary<string, int>(distinct.Length, StringComparer.Ordinal);
        for (int i = 0; i < distinct.Length; i++) ordOf[distinct[i]] = i;
        return (distinct.Select(v => new BytesRef(v)).ToArray(), ordOf);
    }

    /// <summary>Points <paramref name="result"/> at <paramref name="value"/>'s bytes (a doc-values lookup, no copy).</summary>
    private static void PointAt(BytesRef value, BytesRef result)
    {
        result.Bytes = value.Bytes;
        result.Offset = value.Offset;
        result.Length = value.Length;
    }

    /// <summary>Strings in code point order: Lucene's order of UTF-8 terms and doc values.</summary>
    private sealed class CodePointComparer : IComparer<string?>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null) return (x is null ? 0 : 1) - (y is null ? 0 : 1);
            int n = Math.Min(x.Length, y.Length);
            for (int i = 0; i < n; i++)
                if (x[i] != y[i]) return DocumentsBuffer.CodePointKey(x[i]) - DocumentsBuffer.CodePointKey(y[i]);
            return x.Length - y.Length;
        }
    }
}
