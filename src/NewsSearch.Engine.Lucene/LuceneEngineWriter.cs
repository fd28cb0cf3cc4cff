using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using NewsSearch.Core;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using LIndexSearcher = Lucene.Net.Search.IndexSearcher;
using LIndexWriter = Lucene.Net.Index.IndexWriter;
using LIndexWriterConfig = Lucene.Net.Index.IndexWriterConfig;
using TieredMergePolicy = Lucene.Net.Index.TieredMergePolicy;
using NsDocument = NewsSearch.Core.Index.Document;
using LDirectory = Lucene.Net.Store.Directory;
using NsAnalyzer = NewsSearch.Core.Analysis.Analyzer;

using DirectoryReader = Lucene.Net.Index.DirectoryReader;
using SegmentReader = Lucene.Net.Index.SegmentReader;
using AtomicReader = Lucene.Net.Index.AtomicReader;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// The single writer of a Lucene index folder: Lucene's IndexWriter (compound files off, tiered merges in the
/// background) plus a SearcherManager over it. Documents are inverted in a <see cref="LuceneSegmentBuffer"/> (the
/// native engine's in-memory inverter) and each full buffer, and the buffer at a commit, becomes a segment through
/// <c>IndexWriter.AddIndexes</c>, which Lucene's codec writes; deletes go to the IndexWriter, which applies them to
/// the segments before that one. With <c>luceneInversion</c> Lucene's own inverter is used instead (the oracle the
/// buffer is tested against). After each commit the manager is refreshed and the new
/// searcher becomes the published snapshot, so a commit is searchable as soon as Commit returns.
/// Dispose rolls back what was not committed (Lucene 4.8 would otherwise commit it on close).
/// </summary>
internal sealed class LuceneEngineWriter : IEngineWriter
{
    private readonly string _folder;
    private readonly EngineWriterOptions _options;
    private readonly LDirectory _dir;
    private readonly LIndexWriter _writer;
    private readonly SearcherManager _manager;
    private readonly LuceneDocumentBuilder _documents;
    private readonly LuceneSegmentBuffer? _segment;
    private readonly System.Threading.Lock _publishLock = new();
    private LuceneSnapshot _current;
    private bool _disposed;

    public LuceneEngineWriter(string folder, EngineWriterOptions options) : this(folder, options, luceneInversion: false) { }

    /// <param name="luceneInversion">Invert with Lucene's IndexWriter (AddDocument) instead of the segment buffer.</param>
    internal LuceneEngineWriter(string folder, EngineWriterOptions options, bool luceneInversion)
    {
        _folder = folder;
        _options = options;
        _dir = LuceneDirectories.Open(folder);
        try
        {
            EngineCommit last = new(0, 0, "", EngineNames.Lucene, LuceneIndexEngine.FormatName);
            if (DirectoryReader.IndexExists(_dir))
            {
                LuceneIndexEngine.RequireLuceneCommit(_dir, folder);
                var infos = new SegmentInfos();
                try
                {
                    infos.Read(_dir);
                }
                catch (Exception e) when (e is IndexFormatTooOldException or IndexFormatTooNewException)
                {
                    throw new IndexCorruptException(folder, "not a Lucene 4.8 index: " + e.Message, e, formatMismatch: true);
                }
                catch (Exception e) when (e is CorruptIndexException or EndOfStreamException)
                {
                    throw new IndexCorruptException(folder, e.Message, e);
                }
                last = LuceneIndexEngine.ReadCommit(infos.UserData, infos.Generation, folder);
            }
            // Gram clauses compile to plain term/phrase/prefix queries over the full bigram layout (ARCHITECTURE.md).
            Func<string, NsAnalyzer> chainOf = field => NewsAnalysis.WithAllGrams(options.Analyzers(field));
            var analyzer = new NewsLuceneAnalyzer(chainOf);
            _documents = new LuceneDocumentBuilder(chainOf);
            if (!luceneInversion) _segment = new LuceneSegmentBuffer(chainOf);
            var mergePolicy = new TieredMergePolicy { NoCFSRatio = 0.0, MaxCFSSegmentSizeMB = 0 };
            var config = new LIndexWriterConfig(LuceneVersion.LUCENE_48, analyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = LuceneIndexEngine.Similarity,
                RAMBufferSizeMB = Math.Max(1.0, options.RamBufferBytes / (1024.0 * 1024.0)),
                // Lucene caps a thread's buffer at RAMPerThreadHardLimitMB (1945 MB max).
                RAMPerThreadHardLimitMB = (int)Math.Min(1945, Math.Max(256, 2 * options.RamBufferBytes / (1024 * 1024))),
                UseCompoundFile = false,
                MergePolicy = mergePolicy,
                MergeScheduler = options.BackgroundMerges ? new ConcurrentMergeScheduler() : new SerialMergeScheduler(),
                WriteLockTimeout = 0,
            };
            try
            {
                _writer = new LIndexWriter(_dir, config);
            }
            catch (LockObtainFailedException e)
            {
                throw new IndexLockedException(folder, e);
            }
            LastCommit = last;
            _manager = new SearcherManager(_writer, applyAllDeletes: true, new SimilaritySearcherFactory());
            _current = Publishable(last);
        }
        catch
        {
            _writer?.Rollback();
            _dir.Dispose();
            throw;
        }
    }

    public EngineCommit LastCommit { get; private set; }

    public bool HasUncommittedChanges => _segment is { NumDocs: > 0 } || _writer.HasUncommittedChanges();

    public void Add(NsDocument document)
    {
        if (_segment is null) _writer.AddDocument(_documents.Build(document));
        else
        {
            // A buffered doc with this id is superseded by the buffer itself; one in the index stays (Add, not Update).
            _segment.Add(document);
            FlushBufferWhenFull();
        }
    }

    public void Update(NsDocument document)
    {
        if (_segment is null)
        {
            _writer.UpdateDocument(new Term(NewsFields.Id, document.Id), _documents.Build(document));
            return;
        }
        // The delete applies to the segments written before the buffer's (AddIndexes applies deletes first).
        _writer.DeleteDocuments(new Term(NewsFields.Id, document.Id));
        _segment.Add(document);
        FlushBufferWhenFull();
    }

    public void Delete(string id)
    {
        _writer.DeleteDocuments(new Term(NewsFields.Id, id));
        _segment?.Delete(id);
    }

    private void FlushBufferWhenFull()
    {
        if (_segment!.BytesUsed >= _options.RamBufferBytes) FlushBuffer();
    }

    /// <summary>Writes the buffered documents as one Lucene segment (Lucene's codec, via AddIndexes).</summary>
    private void FlushBuffer()
    {
        if (_segment is not { NumDocs: > 0 }) return;
        _writer.AddIndexes(_segment.AsReader());
        _segment.Reset();
        // AddIndexes does not consult the merge policy.
        _writer.MaybeMerge();
    }

    public EngineCommit Commit(long storeSequence)
    {
        FlushBuffer();
        _writer.SetCommitData(new Dictionary<string, string>
        {
            [LuceneIndexEngine.StoreSequenceKey] = storeSequence.ToString(CultureInfo.InvariantCulture),
            [LuceneIndexEngine.AnalysisSignatureKey] = _options.AnalysisSignature,
            [LuceneIndexEngine.EngineKey] = EngineNames.Lucene,
            [LuceneIndexEngine.FormatKey] = LuceneIndexEngine.FormatName,
        });
        _writer.Commit();
        _segment?.Trim();
        var commit = new EngineCommit(SegmentInfos.GetLastCommitGeneration(_dir), storeSequence,
            _options.AnalysisSignature, EngineNames.Lucene, LuceneIndexEngine.FormatName);
        LastCommit = commit;
        // The writer's state right after a commit is the commit: publish it.
        _manager.MaybeRefreshBlocking();
        var next = Publishable(commit);
        LuceneSnapshot old;
        lock (_publishLock)
        {
            old = _current;
            _current = next;
        }
        old.DecRef();
        return commit;
    }

    public IEngineSnapshot AcquireSnapshot()
    {
        while (true)
        {
            LuceneSnapshot s;
            lock (_publishLock) s = _current;
            if (s.TryIncRef()) return s;
        }
    }

    public void ForceMerge(int maxSegments = 1)
    {
        FlushBuffer();
        _writer.ForceMerge(Math.Max(1, maxSegments));
    }

    public void WaitForMerges()
    {
        _writer.MaybeMerge();
        _writer.WaitForMerges();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        LuceneSnapshot current;
        lock (_publishLock) current = _current;
        current.DecRef();
        try
        {
            _writer.Rollback();
        }
        finally
        {
            _manager.Dispose();
            _dir.Dispose();
        }
    }

    /// <summary>A snapshot over the manager's current searcher, handed back to the manager at its last reference.</summary>
    private LuceneSnapshot Publishable(EngineCommit commit)
    {
        var searcher = _manager.Acquire();
        var manager = _manager;
        return new LuceneSnapshot(searcher, commit, () => manager.Release(searcher));
    }

    private sealed class SimilaritySearcherFactory : SearcherFactory
    {
        public override LIndexSearcher NewSearcher(IndexReader reader) =>
            new(reader) { Similarity = LuceneIndexEngine.Similarity };
    }
}
