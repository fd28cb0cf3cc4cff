using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using NUnit.Framework;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Analysis;
using NewsSearch.Engine.Lucene;
using LDirectoryReader = Lucene.Net.Index.DirectoryReader;
using LIndexReader = Lucene.Net.Index.IndexReader;
using NsDocument = NewsSearch.Core.Index.Document;
using TermsEnum = Lucene.Net.Index.TermsEnum;
using DocValuesType = Lucene.Net.Index.DocValuesType;

namespace NewsSearch.Core.Tests.Engine;

/// <summary>
/// The Lucene engine inverts with the native engine's buffer and has Lucene's codec write each buffer as a segment
/// (<see cref="LuceneSegmentBuffer"/>). Lucene's own inverter (IndexWriter.AddDocument) is the oracle: the same
/// documents and the same adds, updates and deletes go through both, and the two indexes must hold the same fields,
/// terms, postings (docs, freqs, positions), norms and doc values, document by document (compared by id: segment
/// layouts differ).
/// </summary>
[TestFixture]
[Category("Differential")]
public class LuceneSegmentBufferTests
{
    private const int CorpusArticles = 3_000;
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ns-lucene-buffer-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { System.IO.Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static EngineWriterOptions Options(long ramBytes) => new()
    {
        Analyzers = TestAnalysis.Instance.IndexAnalyzer,
        AnalysisSignature = TestAnalysis.Instance.Signature.ToString(),
        BackgroundMerges = false,
        RamBufferBytes = ramBytes,
    };

    private static NsDocument Doc(string id, string title, string body, string? section = null, DateOnly? date = null,
        params string[] authors) =>
        ArticleDocuments.ToDocument(new Article
        {
            Id = id, Title = title, Body = body, Section = section, PublishedAt = date, Reporters = authors,
        });

    /// <summary>The seed pages as the product parses them, then the first bench-corpus articles.</summary>
    private List<NsDocument> RealDocuments() => EngineTestDocuments.SeedPagesAndCorpus(_dir, CorpusArticles);

    /// <summary>Runs the same operations on a buffer-inverted and a Lucene-inverted writer; returns both folders.</summary>
    private (string Buffered, string Oracle) Build(Action<IEngineWriter> operations, long ramBytes)
    {
        string buffered = Path.Combine(_dir, "buffered"), oracle = Path.Combine(_dir, "oracle");
        using (var w = new LuceneEngineWriter(buffered, Options(ramBytes), luceneInversion: false)) operations(w);
        using (var w = new LuceneEngineWriter(oracle, Options(ramBytes), luceneInversion: true)) operations(w);
        return (buffered, oracle);
    }

    [Test]
    public void TestBufferWritesWhatLucenesInverterWrites()
    {
        var docs = RealDocuments();
        // A small buffer, so the buffered side writes several segments between the commits.
        var (buffered, oracle) = Build(w =>
        {
            for (int i = 0; i < docs.Count; i++)
            {
                w.Add(docs[i]);
                if (i == docs.Count / 2) w.Commit(1);
            }
            w.Commit(2);
        }, ramBytes: 8L << 20);
        AssertSameIndex(buffered, oracle, expectedDocs: docs.Count);
    }

    [Test]
    public void TestUpdatesAndDeletesInsideAndAcrossBuffers()
    {
        var (buffered, oracle) = Build(w =>
        {
            w.Add(Doc("a1", "株洲经济发展", "株洲市经济发展迅速。", "要闻", new DateOnly(2026, 5, 30), "李逸峰"));
            w.Add(Doc("a2", "轨道交通", "轨道交通建设加快。", "城建", new DateOnly(2026, 4, 2), "王健宁", "李逸峰"));
            w.Add(Doc("a3", "文化旅游", "文化旅游节开幕。"));
            w.Commit(1);
            w.Update(Doc("a1", "株洲经济", "第二版：经济发展。", "要闻", new DateOnly(2026, 5, 31), "李逸峰"));
            w.Add(Doc("a4", "发展中国家", "发展中国家代表团来访。"));
            w.Update(Doc("a4", "发展中国家", "第二版：代表团来访。", "国际"));   // superseded inside the buffer
            w.Delete("a2");                                                     // deleted from a committed segment
            w.Add(Doc("a5", "临时", "马上删除。"));
            w.Delete("a5");                                                     // deleted inside the buffer
            w.Commit(2);
            w.Update(Doc("a3", "文化旅游", "第三版。"));
            w.Commit(3);
        }, ramBytes: 1L << 20);
        AssertSameIndex(buffered, oracle, expectedDocs: 3);
        using var reader = LDirectoryReader.Open(FSDirectory.Open(buffered));
        Assert.That(LiveIds(reader), Is.EquivalentTo(new[] { "a1", "a3", "a4" }));
    }

    [Test]
    public void TestTermsSortInCodePointOrderAndUnpairedSurrogatesBecomeReplacementChars()
    {
        // U+20000 (a surrogate pair) sorts after U+FF21 in UTF-8 and before it in UTF-16; a lone surrogate is U+FFFD
        // once Lucene makes it UTF-8, so both sides must hold the same single term for it.
        var (buffered, oracle) = Build(w =>
        {
            w.Add(Doc("s1", "\U00020000字 ｈｉ", "\uE000私用 \uFFFD替 a\uD800b"));
            w.Add(Doc("s2", "\uFFEE符", "\uDC00单 \U0001F600笑 ＡＢ"));
            w.Commit(1);
        }, ramBytes: 1L << 20);
        AssertSameIndex(buffered, oracle, expectedDocs: 2);
    }

    private static List<string> LiveIds(LIndexReader reader) =>
        IdsByDoc(reader).Values.Where(id => id is not null).Select(id => id!).ToList();

    private static void AssertSameIndex(string buffered, string oracle, int expectedDocs)
    {
        using var a = LDirectoryReader.Open(FSDirectory.Open(buffered));
        using var b = LDirectoryReader.Open(FSDirectory.Open(oracle));
        Assert.That(a.NumDocs, Is.EqualTo(expectedDocs));
        Assert.That(a.NumDocs, Is.EqualTo(b.NumDocs));
        var idsA = IdsByDoc(a);
        var idsB = IdsByDoc(b);
        Assert.That(idsA.Values.Where(v => v is not null).Order(StringComparer.Ordinal),
            Is.EqualTo(idsB.Values.Where(v => v is not null).Order(StringComparer.Ordinal)), "live ids");

        var infosA = MultiFields.GetMergedFieldInfos(a);
        var infosB = MultiFields.GetMergedFieldInfos(b);
        var namesA = infosA.Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        Assert.That(namesA, Is.EqualTo(infosB.Select(f => f.Name).Order(StringComparer.Ordinal).ToList()), "fields");
        foreach (string name in namesA)
        {
            var fa = infosA.FieldInfo(name);
            var fb = infosB.FieldInfo(name);
            Assert.That((fa.IsIndexed, fa.IndexOptions, fa.HasNorms, fa.DocValuesType, fa.HasPayloads, fa.HasVectors),
                Is.EqualTo((fb.IsIndexed, fb.IndexOptions, fb.HasNorms, fb.DocValuesType, fb.HasPayloads, fb.HasVectors)),
                $"field info of {name}");
        }

        var fieldsA = MultiFields.GetFields(a);
        var fieldsB = MultiFields.GetFields(b);
        Assert.That(fieldsA.ToList(), Is.EqualTo(fieldsB.ToList()), "indexed fields");
        long postings = 0;
        foreach (string field in fieldsA)
        {
            // Terms whose every doc is deleted are left out: Lucene keeps them until a merge, the buffer drops a doc
            // superseded inside it before it is written.
            var la = LiveTerms(fieldsA.GetTerms(field).GetEnumerator(), idsA, MultiFields.GetLiveDocs(a));
            var lb = LiveTerms(fieldsB.GetTerms(field).GetEnumerator(), idsB, MultiFields.GetLiveDocs(b));
            Assert.That(la.Select(t => t.Term), Is.EqualTo(lb.Select(t => t.Term)), $"{field}: terms");
            for (int i = 0; i < la.Count; i++)
            {
                Assert.That(la[i].Postings, Is.EqualTo(lb[i].Postings), $"{field}:{la[i].Term} postings");
                postings += la[i].Postings.Count;
            }
        }
        Assert.That(postings, Is.GreaterThan(0));

        foreach (string name in namesA)
        {
            var fa = infosA.FieldInfo(name);
            if (fa.HasNorms)
                Assert.That(PerId(idsA, MultiDocValues.GetNormValues(a, name)), Is.EqualTo(PerId(idsB, MultiDocValues.GetNormValues(b, name))), $"norms of {name}");
            switch (fa.DocValuesType)
            {
                case DocValuesType.NUMERIC:
                {
                    var wa = MultiDocValues.GetDocsWithField(a, name);
                    var wb = MultiDocValues.GetDocsWithField(b, name);
                    Assert.That(PerId(idsA, MultiDocValues.GetNumericValues(a, name), wa),
                        Is.EqualTo(PerId(idsB, MultiDocValues.GetNumericValues(b, name), wb)), $"numeric values of {name}");
                    break;
                }
                case DocValuesType.SORTED:
                    Assert.That(SortedPerId(idsA, MultiDocValues.GetSortedValues(a, name)),
                        Is.EqualTo(SortedPerId(idsB, MultiDocValues.GetSortedValues(b, name))), $"sorted values of {name}");
                    break;
                case DocValuesType.SORTED_SET:
                    Assert.That(SortedSetPerId(idsA, MultiDocValues.GetSortedSetValues(a, name)),
                        Is.EqualTo(SortedSetPerId(idsB, MultiDocValues.GetSortedSetValues(b, name))), $"sorted set values of {name}");
                    break;
            }
        }
    }

    /// <summary>Doc → id for live docs (null for deleted ones).</summary>
    private static Dictionary<int, string?> IdsByDoc(LIndexReader reader)
    {
        var ids = MultiDocValues.GetSortedValues(reader, NewsFields.Id);
        var live = MultiFields.GetLiveDocs(reader);
        var result = new Dictionary<int, string?>();
        var b = new BytesRef();
        for (int d = 0; d < reader.MaxDoc; d++)
        {
            if (live is not null && !live.Get(d)) { result[d] = null; continue; }
            ids.Get(d, b);
            result[d] = b.Utf8ToString();
        }
        return result;
    }

    private static List<(string Term, List<string> Postings)> LiveTerms(TermsEnum terms, Dictionary<int, string?> ids, IBits? live)
    {
        var result = new List<(string, List<string>)>();
        while (terms.MoveNext())
        {
            var p = Postings(terms, ids, live);
            if (p.Count > 0) result.Add((terms.Term.Utf8ToString(), p));
        }
        return result;
    }

    /// <summary>A term's live postings as "id:freq:positions", ordered by id.</summary>
    private static List<string> Postings(TermsEnum terms, Dictionary<int, string?> ids, IBits? live)
    {
        var result = new List<string>();
        var withPositions = terms.DocsAndPositions(live, null);
        if (withPositions is not null)
        {
            while (withPositions.NextDoc() != Lucene.Net.Search.DocIdSetIterator.NO_MORE_DOCS)
            {
                var sb = new System.Text.StringBuilder();
                sb.Append(ids[withPositions.DocID]).Append(':').Append(withPositions.Freq);
                for (int i = 0; i < withPositions.Freq; i++) sb.Append(',').Append(withPositions.NextPosition());
                result.Add(sb.ToString());
            }
        }
        else
        {
            var docs = terms.Docs(live, null, DocsFlags.NONE);
            while (docs.NextDoc() != Lucene.Net.Search.DocIdSetIterator.NO_MORE_DOCS) result.Add(ids[docs.DocID]!);
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static SortedDictionary<string, long?> PerId(Dictionary<int, string?> ids, NumericDocValues? values, IBits? docsWith = null)
    {
        var result = new SortedDictionary<string, long?>(StringComparer.Ordinal);
        foreach (var (doc, id) in ids)
            if (id is not null) result[id] = values is null || (docsWith is not null && !docsWith.Get(doc)) ? null : values.Get(doc);
        return result;
    }

    private static SortedDictionary<string, string?> SortedPerId(Dictionary<int, string?> ids, SortedDocValues values)
    {
        var result = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        var b = new BytesRef();
        foreach (var (doc, id) in ids)
        {
            if (id is null) continue;
            int ord = values.GetOrd(doc);
            if (ord < 0) { result[id] = null; continue; }
            values.LookupOrd(ord, b);
            result[id] = b.Utf8ToString();
        }
        return result;
    }

    private static SortedDictionary<string, string> SortedSetPerId(Dictionary<int, string?> ids, SortedSetDocValues values)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var b = new BytesRef();
        foreach (var (doc, id) in ids)
        {
            if (id is null) continue;
            values.SetDocument(doc);
            var parts = new List<string>();
            long ord;
            while ((ord = values.NextOrd()) != SortedSetDocValues.NO_MORE_ORDS)
            {
                values.LookupOrd(ord, b);
                parts.Add(b.Utf8ToString());
            }
            result[id] = string.Join("|", parts);
        }
        return result;
    }
}
