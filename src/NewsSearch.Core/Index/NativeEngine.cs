using NewsSearch.Core.Engine;

namespace NewsSearch.Core.Index;

/// <summary>
/// Our own Lucene-style engine behind the seam: <see cref="IndexWriter"/> writes, <see cref="IndexSnapshot"/>s
/// read, <see cref="Search.IndexSearcher"/> runs the query tree (<see cref="NativeSearch"/> adds filters, date
/// orders and facets), <see cref="NativeIndexCheck"/> checks.
/// </summary>
public sealed class NativeEngine(MergePolicy? mergePolicy = null) : IIndexEngine
{
    /// <summary>The engine with the default merge policy (what the catalog registers).</summary>
    public static readonly NativeEngine Default = new();

    public string Name => EngineNames.Native;

    public string Format => "native/" + IndexFormat.Version;

    public IEngineWriter OpenWriter(string folder, EngineWriterOptions options) =>
        new NativeWriter(IndexWriter.Open(folder, new IndexWriterConfig
        {
            Analyzers = options.Analyzers,
            AnalysisSignature = options.AnalysisSignature,
            RamBufferBytes = options.RamBufferBytes,
            BackgroundMerges = options.BackgroundMerges,
            MergePolicy = mergePolicy ?? new TieredMergePolicy(),
            VerifyChecksumsOnOpen = options.VerifyChecksumsOnOpen,
            Log = options.Log,
        }), this);

    public IEngineSnapshot? OpenReadOnly(string folder, bool verifyChecksums = false)
    {
        if (CommitPoint.ListGenerations(folder).Count == 0) return null;
        return new NativeSnapshot(IndexSnapshot.Open(folder, verifyChecksums), this);
    }

    public EngineCheckResult Check(string folder) => NativeIndexCheck.Run(folder);

    internal EngineCommit ToEngineCommit(CommitPoint c) =>
        new(c.Generation, c.StoreSequence, c.AnalysisSignature, Name, Format);
}

/// <summary>The native writer behind <see cref="IEngineWriter"/>.</summary>
public sealed class NativeWriter(IndexWriter writer, NativeEngine engine) : IEngineWriter
{
    /// <summary>The wrapped writer (native-only tools and tests).</summary>
    public IndexWriter Writer => writer;

    public EngineCommit LastCommit => engine.ToEngineCommit(writer.LastCommit);

    public bool HasUncommittedChanges => writer.HasUncommittedChanges;

    public void Add(Document document) => writer.AddDocument(document);

    public void Update(Document document) => writer.UpdateDocument(document);

    public void Delete(string id) => writer.DeleteDocument(id);

    public EngineCommit Commit(long storeSequence) => engine.ToEngineCommit(writer.Commit(storeSequence));

    public IEngineSnapshot AcquireSnapshot() => new NativeSnapshot(writer.AcquireSnapshot(), engine);

    public void ForceMerge(int maxSegments = 1) => writer.ForceMerge(maxSegments);

    public void WaitForMerges()
    {
        writer.MaybeMerge(); // inline without background merges; else starts the loop unless it runs
        writer.WaitForMerges();
    }

    public void Dispose() => writer.Dispose();
}

/// <summary>The native snapshot behind <see cref="IEngineSnapshot"/>: reference counts are the wrapped
/// <see cref="IndexSnapshot"/>'s.</summary>
public sealed class NativeSnapshot(IndexSnapshot snapshot, NativeEngine engine) : IEngineSnapshot
{
    /// <summary>The wrapped reader (native-only tools and tests: segments, postings, doc values).</summary>
    public IndexSnapshot Reader => snapshot;

    public string Engine => engine.Name;

    public long Generation => snapshot.Generation;

    public long StoreSequence => snapshot.StoreSequence;

    public string AnalysisSignature => snapshot.AnalysisSignature;

    public int NumDocs => snapshot.NumDocs;

    public bool TryIncRef() => snapshot.TryIncRef();

    public void DecRef() => snapshot.DecRef();

    public void Dispose() => snapshot.DecRef();

    public EngineSearchResult Search(EngineSearchRequest request) => NativeSearch.Run(snapshot, request);

    public long DocFreq(string field, string term) => snapshot.DocFreq(field, term);

    public IReadOnlySet<string> LiveIds() => snapshot.LiveIds();

    public IndexStats GetStats(string folder) => NativeStats.Compute(snapshot, folder) with { Engine = engine.Name, Format = engine.Format };
}

/// <summary>Figures of a native snapshot for `newssearch stats` and the admin API.</summary>
internal static class NativeStats
{
    public static IndexStats Compute(IndexSnapshot s, string folder)
    {
        var terms = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var segs = new List<SegmentStats>();
        var perField = new SortedDictionary<string, FieldBytes>(StringComparer.Ordinal);
        foreach (var leaf in s.Segments)
        {
            foreach (var f in leaf.FieldNames) terms[f] = terms.GetValueOrDefault(f) + leaf.TermCount(f);
            foreach (var fr in leaf.Core.Fields)
            {
                var m = fr.Meta;
                var b = perField.GetValueOrDefault(m.Name) ?? new FieldBytes(0, 0, 0, 0);
                perField[m.Name] = new FieldBytes(b.Terms + m.TermBytes, b.Postings + m.DocBytes, b.Positions + m.PosBytes,
                    b.Norms + (m.HasNorms ? (long)m.NormsWidth * leaf.MaxDoc : 0));
            }
        }
        var bytes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var seg in s.Commit.Segments)
        {
            long segBytes = 0;
            foreach (var f in seg.AllFiles)
            {
                string kind = IndexFormat.FileKind(f.Name) ?? "other";
                bytes[kind] = bytes.GetValueOrDefault(kind) + f.Length;
                segBytes += f.Length;
            }
            segs.Add(new SegmentStats(seg.Name, seg.MaxDoc, seg.MaxDoc - seg.DelCount, seg.DelCount, segBytes));
        }
        if (s.Commit.Generation > 0)
        {
            var commitFile = new FileInfo(Path.Combine(folder, s.Commit.FileName));
            if (commitFile.Exists) bytes["segments"] = bytes.GetValueOrDefault("segments") + commitFile.Length;
        }
        return new IndexStats(folder, s.Generation, s.StoreSequence, s.AnalysisSignature, s.MaxDoc, s.NumDocs,
            s.MaxDoc - s.NumDocs, segs, terms, bytes, perField);
    }
}
