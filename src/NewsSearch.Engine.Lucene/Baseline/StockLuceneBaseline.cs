using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LDirectoryReader = Lucene.Net.Index.DirectoryReader;
using LDocument = Lucene.Net.Documents.Document;
using LIndexSearcher = Lucene.Net.Search.IndexSearcher;
using LIndexWriter = Lucene.Net.Index.IndexWriter;
using LIndexWriterConfig = Lucene.Net.Index.IndexWriterConfig;
using LQuery = Lucene.Net.Search.Query;
using LStringField = Lucene.Net.Documents.StringField;
using LTextField = Lucene.Net.Documents.TextField;
using LTieredMergePolicy = Lucene.Net.Index.TieredMergePolicy;

namespace NewsSearch.Engine.Lucene.Baseline;

/// <summary>
/// The REFERENCE BASELINE of the benchmarks, not a product engine: stock Lucene.Net 4.8 + SmartChineseAnalyzer set
/// up as ../shared/bench/REFERENCE.md describes, so `bench compare` can print our engines' ratios against it in one
/// run. Title and body are analyzed, stored TextFields (SmartCn); id and date stored StringFields; 64 MB RAM buffer,
/// TieredMergePolicy, one thread (serial merges); default similarity. Queries go through MultiFieldQueryParser over
/// title^2 and body with the default operator OR, top 10. Nothing of the product reads this index.
/// </summary>
public sealed class StockLuceneBaseline : IDisposable
{
    public const string IdField = "id", TitleField = "title", BodyField = "body", DateField = "date";

    public const double RamBufferMB = 64;

    private readonly FSDirectory _dir;
    private readonly SmartChineseAnalyzer _analyzer = new(LuceneVersion.LUCENE_48);
    private LIndexWriter? _writer;
    private LDirectoryReader? _reader;
    private LIndexSearcher? _searcher;
    private readonly MultiFieldQueryParser _parser;

    // One document and its fields, refilled per article (Lucene's usual indexing loop).
    private readonly LDocument _doc = new();
    private readonly LStringField _id = new(IdField, "", Field.Store.YES);
    private readonly LTextField _title = new(TitleField, "", Field.Store.YES);
    private readonly LTextField _body = new(BodyField, "", Field.Store.YES);
    private readonly LStringField _date = new(DateField, "", Field.Store.YES);

    /// <summary>Creates (or replaces) the baseline index in <paramref name="folder"/>.</summary>
    public StockLuceneBaseline(string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        _dir = FSDirectory.Open(new DirectoryInfo(folder));
        var config = new LIndexWriterConfig(LuceneVersion.LUCENE_48, _analyzer)
        {
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = RamBufferMB,
            MergePolicy = new LTieredMergePolicy(),
            MergeScheduler = new SerialMergeScheduler(),
        };
        _writer = new LIndexWriter(_dir, config);
        _doc.Add(_id);
        _doc.Add(_title);
        _doc.Add(_body);
        _doc.Add(_date);
        _parser = new MultiFieldQueryParser(LuceneVersion.LUCENE_48, [TitleField, BodyField], _analyzer,
            new Dictionary<string, float> { [TitleField] = 2f, [BodyField] = 1f })
        {
            DefaultOperator = Operator.OR,
        };
    }

    public string Folder => _dir.Directory.FullName;

    /// <summary>Adds one article; <paramref name="date"/> is yyyy-MM-dd or empty.</summary>
    public void Add(string id, string title, string body, string date)
    {
        var writer = Writer;
        _id.SetStringValue(id);
        _title.SetStringValue(title);
        _body.SetStringValue(body);
        _date.SetStringValue(date);
        writer.AddDocument(_doc);
    }

    private LIndexWriter Writer => _writer ?? throw new InvalidOperationException("the baseline's searcher is open: no more writing");

    /// <summary>Makes everything added durable (the writer stays open).</summary>
    public void Commit() => Writer.Commit();

    /// <summary>Merges to one segment and commits.</summary>
    public void ForceMerge()
    {
        Writer.ForceMerge(1);
        Writer.Commit();
    }

    /// <summary>Closes the writer (after <see cref="Commit"/>) and opens the searcher over the last commit.</summary>
    public void OpenSearcher()
    {
        Writer.Dispose();
        _writer = null;
        _reader = LDirectoryReader.Open(_dir);
        _searcher = new LIndexSearcher(_reader);
    }

    public int NumDocs => _reader?.NumDocs ?? throw new InvalidOperationException("open the searcher first");

    public int SegmentCount => _reader?.Leaves.Count ?? throw new InvalidOperationException("open the searcher first");

    /// <summary>Bytes of the committed index's files.</summary>
    public long IndexBytes => _dir.ListAll().Sum(f => _dir.FileLength(f));

    /// <summary>The parsed form of a query (MultiFieldQueryParser, OR); throws <see cref="ParseException"/>.</summary>
    public LQuery Parse(string query) => _parser.Parse(query);

    /// <summary>Parse + search, top <paramref name="top"/>: total hits and the hits' stored ids.</summary>
    public (int TotalHits, ScoreDoc[] Hits) Search(string query, int top = 10)
    {
        var searcher = _searcher ?? throw new InvalidOperationException("open the searcher first");
        var docs = searcher.Search(Parse(query), top);
        return (docs.TotalHits, docs.ScoreDocs);
    }

    /// <summary>The stored fields of a hit (what "text stored" buys: the reference loads 10 of them per query).</summary>
    public LDocument Load(int doc) => (_searcher ?? throw new InvalidOperationException("open the searcher first")).Doc(doc);

    public void Dispose()
    {
        _writer?.Rollback();
        _reader?.Dispose();
        _analyzer.Dispose();
        _dir.Dispose();
    }
}
