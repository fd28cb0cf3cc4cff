using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Index;

/// <summary>How an <see cref="IndexWriter"/> analyzes, buffers, merges and checks.</summary>
public sealed class IndexWriterConfig
{
    /// <summary>The index-time analyzer of each text field.</summary>
    public required Func<string, Analyzer> Analyzers { get; init; }

    /// <summary>Recorded in every commit (<see cref="AnalysisSignature.ToString"/>).</summary>
    public string AnalysisSignature { get; init; } = "";

    /// <summary>The in-memory buffer is flushed to a segment when it holds about this many bytes.</summary>
    public long RamBufferBytes { get; init; } = 160L << 20;

    public MergePolicy MergePolicy { get; init; } = new TieredMergePolicy();

    /// <summary>Run merges on a background thread (true) or inline after commits (false: single-threaded).</summary>
    public bool BackgroundMerges { get; init; } = true;

    /// <summary>Recompute every file's CRC-32C when opening (cheap with the CPU's crc32 instruction).</summary>
    public bool VerifyChecksumsOnOpen { get; init; } = true;

    /// <summary>Commits kept on disk (the newest, plus older ones to fall back to).</summary>
    public int KeepCommits { get; init; } = 2;

    public Action<string>? Log { get; init; }
}

/// <summary>Another process (or writer) holds the index's write.lock.</summary>
public sealed class IndexLockedException(string folder, Exception inner)
    : IOException($"The index at {folder} is locked by another writer ({IndexFormat.WriteLockName}).", inner);

/// <summary>
/// Lucene's IndexWriter: buffers documents, flushes immutable segments, applies deletes by id, commits durably,
/// merges (tiered policy) and publishes a reference-counted <see cref="IndexSnapshot"/> after each commit.
/// One writer per folder (write.lock). Thread-safe; calls are serialized.
/// </summary>
public sealed class IndexWriter : IDisposable
{
    private sealed class WriterSegment
    {
        public required SegmentCore Core;
        public required List<IndexFileInfo> Files;
        public DeletedDocs? Deleted;
        public bool DeletedShared;  // published to a snapshot or a merge: copy before changing
        public bool DeletesDirty;   // changed since the last written .del
        public long DelGen;
        public IndexFileInfo? DelFile;
        public bool Merging;
        public string Name => Core.Name;
        public int MaxDoc => Core.MaxDoc;
        public int DelCount => Deleted?.Count ?? 0;
        public long SizeBytes => Files.Sum(f => f.Length);

        public bool Delete(int doc)
        {
            if (Deleted is null) Deleted = new DeletedDocs(MaxDoc);
            else if (DeletedShared) Deleted = Deleted.Clone();
            DeletedShared = false;
            if (!Deleted.Delete(doc)) return false;
            DeletesDirty = true;
            return true;
        }
    }

    private readonly string _folder;
    private readonly IndexWriterConfig _config;
    private readonly FileStream _writeLock;
    private readonly Lock _sync = new();
    private readonly DocumentsBuffer _buffer;
    private readonly List<WriterSegment> _segments = [];
    private readonly IndexFileDeleter _deleter;
    private readonly Queue<CommitPoint> _keptCommits = new();
    private long _segmentCounter;
    private long _generation;
    private CommitPoint _lastCommit;
    private IndexSnapshot _current;
    private bool _dirty;
    private readonly SemaphoreSlim _mergeGate = new(1, 1);
    private Task _mergeTask = Task.CompletedTask;
    private readonly CancellationTokenSource _closing = new();
    private bool _disposed;

    /// <summary>Test hook: runs on the merging thread after sources are picked (and marked) and before they are read.</summary>
    internal Action<IReadOnlyList<string>>? MergeSourcesPicked;

    private IndexWriter(string folder, IndexWriterConfig config, FileStream writeLock)
    {
        _folder = folder;
        _config = config;
        _writeLock = writeLock;
        _buffer = new DocumentsBuffer(config.Analyzers);
        _deleter = new IndexFileDeleter(folder, config.Log);
        _lastCommit = new CommitPoint();
        _current = new IndexSnapshot([], _lastCommit, null);
    }

    public string Folder => _folder;

    /// <summary>The last durable commit (generation 0 = nothing committed yet).</summary>
    public CommitPoint LastCommit { get { lock (_sync) return _lastCommit; } }

    /// <summary>True when documents, deletes or finished merges are waiting for a commit.</summary>
    public bool HasUncommittedChanges { get { lock (_sync) return _dirty || _buffer.NumDocs > 0; } }

    public int BufferedDocs { get { lock (_sync) return _buffer.NumDocs; } }

    /// <summary>
    /// Opens (or creates) the index in <paramref name="folder"/>: takes the write lock, loads the newest valid commit
    /// (falling back to an older one when the newest is broken), and removes leftover files of unfinished commits.
    /// </summary>
    public static IndexWriter Open(string folder, IndexWriterConfig config)
    {
        Directory.CreateDirectory(folder);
        FileStream writeLock;
        try
        {
            writeLock = new FileStream(Path.Combine(folder, IndexFormat.WriteLockName), FileMode.OpenOrCreate,
                FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) { throw new IndexLockedException(folder, e); }
        var writer = new IndexWriter(folder, config, writeLock);
        try { writer.Load(); }
        catch { writer.Dispose(); throw; }
        return writer;
    }

    private void Load()
    {
        var loaded = CommitLoader.LoadNewest(_folder, _config.VerifyChecksumsOnOpen, _config.Log);
        if (loaded is not null)
        {
            var commit = loaded.Commit;
            for (int i = 0; i < loaded.Cores.Count; i++)
            {
                var info = commit.Segments[i];
                var seg = new WriterSegment
                {
                    Core = loaded.Cores[i], Files = [.. info.Files], Deleted = loaded.Deleted[i], DeletedShared = true,
                    DelGen = info.DelGen, DelFile = info.DelFile,
                };
                _segments.Add(seg);
                _deleter.IncRef(SegmentFileNames(seg));
            }
            _segmentCounter = commit.SegmentCounter;
            _generation = commit.Generation;
            _lastCommit = commit;
            if (loaded.Previous is { } prev)
            {
                _deleter.IncRef(prev.FileNames);
                _keptCommits.Enqueue(prev);
            }
            _deleter.IncRef(commit.FileNames);
            _keptCommits.Enqueue(commit);
            _current.DecRef();
            _current = BuildSnapshot(commit);
        }
        _deleter.DeleteUnreferenced();
    }

    private static IEnumerable<string> SegmentFileNames(WriterSegment s) =>
        s.DelFile is { } d ? s.Files.Select(f => f.Name).Append(d.Name) : s.Files.Select(f => f.Name);

    private string NewSegmentName() => IndexFormat.SegmentName(_segmentCounter++);

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Adds a document without deleting an older one with the same id (bulk builds into an empty index).</summary>
    public void AddDocument(Document document)
    {
        lock (_sync)
        {
            EnsureOpen();
            _buffer.Add(document);
            _dirty = true;
            MaybeFlush();
        }
    }

    /// <summary>Replaces the document with the same id (delete by id term, then add).</summary>
    public void UpdateDocument(Document document)
    {
        lock (_sync)
        {
            EnsureOpen();
            DeleteFromSegments(document.Id);
            _buffer.Add(document); // also supersedes a buffered doc with the same id
            _dirty = true;
            MaybeFlush();
        }
    }

    /// <summary>Deletes the document with this id, if any.</summary>
    public void DeleteDocument(string id)
    {
        lock (_sync)
        {
            EnsureOpen();
            _buffer.DeleteId(id);
            DeleteFromSegments(id);
            _dirty = true;
        }
    }

    private void DeleteFromSegments(string id)
    {
        foreach (var seg in _segments)
        {
            var field = seg.Core.GetField(NewsFields.Id);
            if (field is null || !field.SeekExact(id, out var meta)) continue;
            if (meta.DocFp < 0) { seg.Delete(meta.SingletonDoc); continue; }
            var pe = new SegmentPostingsEnum(field, in meta, false);
            for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc()) seg.Delete(d);
        }
    }

    private void MaybeFlush()
    {
        // BytesUsed walks a handful of fields: cheap enough per document.
        if (_buffer.BytesUsed >= _config.RamBufferBytes) FlushBuffer();
    }

    private void FlushBuffer()
    {
        if (_buffer.NumDocs == 0) return;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        string name = NewSegmentName();
        var (files, deleted, _) = _buffer.Flush(_folder, name);
        var core = SegmentCore.Open(_folder, name, files.ToDictionary(f => f.Name), verifyChecksums: false);
        var seg = new WriterSegment { Core = core, Files = files, Deleted = deleted, DeletesDirty = deleted is not null };
        _segments.Add(seg);
        _deleter.IncRef(files.Select(f => f.Name));
        _config.Log?.Invoke($"index: flushed {name} ({core.MaxDoc} docs, {files.Sum(f => f.Length) >> 10} KB) in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// Makes everything added so far durable: flushes the buffer, writes changed deletion bitsets, then the commit
    /// point (temp file, fsync, rename, fsync folder). Publishes a new snapshot. Returns the commit.
    /// </summary>
    public CommitPoint Commit(long storeSequence)
    {
        CommitPoint commit;
        lock (_sync)
        {
            EnsureOpen();
            FlushBuffer();
            // After a bulk load, hand the buffer's memory back rather than let it wait for a distant full GC.
            if (_buffer.Trim() > 64L << 20) GC.Collect();
            for (int i = _segments.Count - 1; i >= 0; i--)
            {
                var s = _segments[i];
                if (!s.Merging && s.DelCount == s.MaxDoc) { _segments.RemoveAt(i); ReleaseSegment(s); }
            }
            foreach (var s in _segments)
            {
                if (!s.DeletesDirty) continue;
                long gen = s.DelGen + 1;
                string name = IndexFormat.DeletesFile(s.Name, gen);
                string path = Path.Combine(_folder, name);
                if (File.Exists(path)) File.Delete(path); // leftover of a crashed commit
                s.Deleted!.Write(path);
                var info = new IndexFileInfo(name, new FileInfo(path).Length, ReadFooterChecksum(path));
                _deleter.IncRef([name]);
                if (s.DelFile is { } oldDel) _deleter.DecRef([oldDel.Name]);
                s.DelFile = info;
                s.DelGen = gen;
                s.DeletesDirty = false;
            }
            foreach (var s in _segments) s.DeletedShared = true;
            commit = new CommitPoint
            {
                Generation = _generation + 1,
                StoreSequence = storeSequence,
                AnalysisSignature = _config.AnalysisSignature,
                SegmentCounter = _segmentCounter,
                Segments = _segments.Select(s => new SegmentCommitInfo
                {
                    Name = s.Name, MaxDoc = s.MaxDoc, DelCount = s.DelCount, DelGen = s.DelGen, Files = s.Files, DelFile = s.DelFile,
                }).ToList(),
            };
            commit.Write(_folder);
            _generation = commit.Generation;
            _deleter.IncRef(commit.FileNames);
            _keptCommits.Enqueue(commit);
            while (_keptCommits.Count > Math.Max(1, _config.KeepCommits)) _deleter.DecRef(_keptCommits.Dequeue().FileNames);
            _lastCommit = commit;
            _dirty = false;
            var old = _current;
            _current = BuildSnapshot(commit);
            old.DecRef();
        }
        MaybeMerge();
        return commit;
    }

    private static uint ReadFooterChecksum(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> b = stackalloc byte[4];
        fs.Seek(-4, SeekOrigin.End);
        fs.ReadExactly(b);
        return BitConverter.ToUInt32(b);
    }

    /// <summary>Snapshot of the current segments (as just committed); the writer keeps one reference.</summary>
    private IndexSnapshot BuildSnapshot(CommitPoint commit)
    {
        var leaves = new List<SegmentReader>(_segments.Count);
        int docBase = 0;
        foreach (var s in _segments)
        {
            s.Core.IncRef();
            leaves.Add(new SegmentReader(s.Core, s.Deleted) { DocBase = docBase });
            docBase += s.MaxDoc;
        }
        var files = commit.FileNames.ToList();
        _deleter.IncRef(files);
        return new IndexSnapshot(leaves, commit, () => _deleter.DecRef(files));
    }

    /// <summary>
    /// The snapshot of the last commit with a reference taken for the caller (dispose it when done).
    /// </summary>
    public IndexSnapshot AcquireSnapshot()
    {
        while (true)
        {
            IndexSnapshot s;
            lock (_sync) s = _current;
            if (s.TryIncRef()) return s;
        }
    }

    private void ReleaseSegment(WriterSegment s)
    {
        _deleter.DecRef(SegmentFileNames(s));
        s.Core.DecRef();
    }

    // ---- merging ----

    /// <summary>Starts merges the policy asks for (in the background, or inline when so configured).</summary>
    public void MaybeMerge()
    {
        if (_config.BackgroundMerges)
        {
            lock (_sync)
            {
                if (_disposed || !_mergeTask.IsCompleted) return;
                _mergeTask = Task.Run(MergeLoop);
            }
        }
        else MergeLoop();
    }

    private void MergeLoop()
    {
        while (!_closing.IsCancellationRequested)
        {
            if (!_mergeGate.Wait(0)) return; // a forced merge is running
            try
            {
                List<WriterSegment>? sources;
                lock (_sync)
                {
                    if (_disposed) return;
                    var eligible = _segments.Where(s => !s.Merging).ToList();
                    var pick = _config.MergePolicy.FindMerge(
                        eligible.Select(s => new MergeCandidate(s.Name, s.SizeBytes, s.MaxDoc, s.DelCount)).ToList());
                    sources = pick?.Select(i => eligible[i]).ToList();
                    // Marked in the lock that picked them: otherwise a commit in between could drop a source that
                    // became fully deleted and release (unmap) its core while the merge reads it.
                    if (sources is { Count: > 0 }) foreach (var s in sources) s.Merging = true;
                }
                if (sources is null || sources.Count == 0) return;
                RunMerge(sources);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                _config.Log?.Invoke($"index: merge failed: {e.Message}");
                return;
            }
            finally { _mergeGate.Release(); }
        }
    }

    /// <summary>Merges down to at most <paramref name="maxSegments"/> segments, purging deletions (optimize). Commit afterwards.</summary>
    public void ForceMerge(int maxSegments = 1)
    {
        EnsureOpen();
        _mergeGate.Wait();
        try
        {
            while (true)
            {
                List<WriterSegment> sources;
                lock (_sync)
                {
                    FlushBuffer();
                    if (_segments.Count <= maxSegments && _segments.All(s => s.DelCount == 0)) return;
                    // Merge the smallest segments so that at most maxSegments remain (all with deletions purged).
                    int take = Math.Max(_segments.Count - maxSegments + 1, 1);
                    sources = _segments.OrderBy(s => s.SizeBytes).Take(take).ToList();
                    if (sources.Count == 1 && sources[0].DelCount == 0)
                    {
                        var withDeletes = _segments.FirstOrDefault(s => s.DelCount > 0);
                        if (withDeletes is null) return;
                        sources = [withDeletes];
                    }
                    sources = _segments.Where(sources.Contains).ToList(); // keep doc order
                    foreach (var s in sources) s.Merging = true; // before the lock is left (see MergeLoop)
                }
                RunMerge(sources);
            }
        }
        finally { _mergeGate.Release(); }
    }

    /// <summary>Merges <paramref name="sources"/>, which the caller marked <see cref="WriterSegment.Merging"/> in the
    /// same lock that picked them, so no commit drops one of them meanwhile.</summary>
    private void RunMerge(List<WriterSegment> sources)
    {
        string name;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var inputs = new List<(SegmentCore, DeletedDocs?)>();
        lock (_sync)
        {
            EnsureOpen();
            foreach (var s in sources)
                if (!s.Merging || !_segments.Contains(s)) throw new InvalidOperationException("merge source " + s.Name + " is no longer a live segment");
            name = NewSegmentName();
            foreach (var s in sources)
            {
                s.DeletedShared = true; // deletes arriving during the merge go to a copy we can diff against
                s.Core.IncRef(); // the merge's own reference for the reads below, released when it ends
                inputs.Add((s.Core, s.Deleted));
            }
        }
        SegmentMerger.Result? result;
        try
        {
            MergeSourcesPicked?.Invoke(sources.Select(s => s.Name).ToList());
            result = SegmentMerger.Merge(_folder, name, inputs, _closing.Token);
        }
        catch
        {
            lock (_sync) foreach (var s in sources) s.Merging = false;
            foreach (var (core, _) in inputs) core.DecRef();
            throw;
        }
        try { PublishMerge(sources, inputs, name, result, started); }
        finally { foreach (var (core, _) in inputs) core.DecRef(); }
    }

    private void PublishMerge(List<WriterSegment> sources, List<(SegmentCore, DeletedDocs?)> inputs, string name,
        SegmentMerger.Result? result, long started)
    {
        lock (_sync)
        {
            if (_disposed)
            {
                foreach (var f in result!.Files) { try { File.Delete(Path.Combine(_folder, f.Name)); } catch (IOException) { } }
                return;
            }
            WriterSegment? merged = null;
            if (result!.MaxDoc > 0)
            {
                var core = SegmentCore.Open(_folder, name, result.Files.ToDictionary(f => f.Name), verifyChecksums: false);
                merged = new WriterSegment { Core = core, Files = result.Files };
                // Carry over deletes that arrived while merging.
                for (int i = 0; i < sources.Count; i++)
                {
                    var now = sources[i].Deleted;
                    var before = inputs[i].Item2;
                    if (now is null || ReferenceEquals(now, before)) continue;
                    var map = result.DocMaps[i];
                    for (int w = 0; w < now.Bits.Length; w++)
                    {
                        ulong fresh = now.Bits[w] & ~(before?.Bits[w] ?? 0);
                        while (fresh != 0)
                        {
                            int doc = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(fresh);
                            fresh &= fresh - 1;
                            if (map[doc] >= 0) merged.Delete(map[doc]);
                        }
                    }
                }
                _deleter.IncRef(result.Files.Select(f => f.Name));
            }
            int at = _segments.IndexOf(sources[0]);
            foreach (var s in sources) { _segments.Remove(s); ReleaseSegment(s); }
            if (merged is not null) _segments.Insert(Math.Min(at, _segments.Count), merged);
            _dirty = true;
            _config.Log?.Invoke($"index: merged {string.Join(",", sources.Select(s => s.Name))} into {name} ({result.MaxDoc} docs) in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        }
    }

    /// <summary>Current segments (names, docs, deletions, bytes) of the writer, committed or not.</summary>
    public IReadOnlyList<(string Name, int MaxDoc, int DelCount, long Bytes)> SegmentsInfo()
    {
        lock (_sync) return _segments.Select(s => (s.Name, s.MaxDoc, s.DelCount, s.SizeBytes)).ToList();
    }

    /// <summary>Waits for a running background merge to end.</summary>
    public void WaitForMerges()
    {
        Task t;
        lock (_sync) t = _mergeTask;
        try { t.Wait(); } catch (AggregateException) { }
    }

    /// <summary>Closes the writer. Uncommitted changes are dropped (call <see cref="Commit"/> first).</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed) return;
            _closing.Cancel();
        }
        WaitForMerges();
        _mergeGate.Wait();
        lock (_sync)
        {
            _disposed = true;
            foreach (var s in _segments) { s.Core.DecRef(); }
            _segments.Clear();
            _current.DecRef();
            _buffer.Reset();
        }
        _mergeGate.Release();
        _writeLock.Dispose();
    }
}
