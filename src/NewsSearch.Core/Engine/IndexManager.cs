using System.Diagnostics;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Engine;

/// <summary>Options of the <see cref="IndexManager"/>.</summary>
public sealed class IndexManagerOptions
{
    /// <summary>How often the background refresh polls the store (near-real-time delay).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    public long RamBufferBytes { get; init; } = 160L << 20;

    public bool BackgroundMerges { get; init; } = true;

    /// <summary>When the index was built with other analysis: throw instead of rebuilding it.</summary>
    public bool RefuseOnSignatureMismatch { get; init; }

    /// <summary>Catch up from the store inside <see cref="IndexManager.Open"/> (recommended: a crash loses nothing).</summary>
    public bool CatchUpOnOpen { get; init; } = true;

    /// <summary>When the index needs a full rebuild (other analysis signature, ahead of the store), do it inside
    /// <see cref="IndexManager.Open"/>; false when the caller calls <see cref="IndexManager.Reindex"/> right after.</summary>
    public bool RebuildOnOpen { get; init; } = true;

    public bool VerifyChecksumsOnOpen { get; init; } = true;

    /// <summary>A long catch-up commits every this many changes so progress survives a crash.</summary>
    public int CommitEveryChanges { get; init; } = 20_000;

    public Action<string>? Log { get; init; }
}

/// <summary>Progress of a reindex: articles indexed of the store's count when it started.</summary>
public readonly record struct ReindexProgress(long Done, long Total);

/// <summary>
/// A search's hold on one index snapshot. Dispose it when the search ends; segment files and old index
/// versions are deleted only after every lease on them is gone.
/// </summary>
public sealed class SnapshotLease : IDisposable
{
    private readonly IndexManager.IndexVersion _version;
    private int _disposed;

    internal SnapshotLease(IEngineSnapshot snapshot, IndexManager.IndexVersion version)
    {
        Snapshot = snapshot;
        _version = version;
    }

    /// <summary>The leased snapshot, of whichever engine the folder uses.</summary>
    public IEngineSnapshot Snapshot { get; }

    /// <summary>The version folder the snapshot belongs to.</summary>
    public string VersionFolder => _version.Folder;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Snapshot.DecRef();
        _version.ReleaseLease();
    }
}

/// <summary>Inspection figures of the published snapshot (<c>newssearch stats</c>).</summary>
public sealed record IndexStats(
    string Folder,
    long Generation,
    long StoreSequence,
    string AnalysisSignature,
    int MaxDoc,
    int NumDocs,
    int Deletions,
    IReadOnlyList<SegmentStats> Segments,
    IReadOnlyDictionary<string, long> TermsPerField,
    IReadOnlyDictionary<string, long> BytesPerFileKind,
    IReadOnlyDictionary<string, FieldBytes> BytesPerField)
{
    public long TotalBytes => BytesPerFileKind.Values.Sum();

    /// <summary>The engine that wrote the index (<see cref="EngineNames"/>) and its format.</summary>
    public string Engine { get; init; } = "";

    public string Format { get; init; } = "";
}

/// <summary>Bytes one field takes: term dictionary (.tim+.tip), postings (.doc), positions (.pos), norms (.nrm).</summary>
public sealed record FieldBytes(long Terms, long Postings, long Positions, long Norms)
{
    public long Total => Terms + Postings + Positions + Norms;
}

public sealed record SegmentStats(string Name, int MaxDoc, int NumDocs, int Deletions, long Bytes);

/// <summary>
/// The index as a service: keeps the index in step with the <see cref="ArticleStore"/> (catch-up from the change
/// feed, near-real-time background refresh), serves reference-counted snapshots to searches, rebuilds into a new
/// version folder and switches atomically, and merges. Layout: {indexFolder}/CURRENT names the live version
/// folder (v1, v2, ...), each a self-contained index of one engine, named by the version's ENGINE file (absent in
/// folders from before the seam: native). Everything here goes through <see cref="IIndexEngine"/>,
/// <see cref="IEngineWriter"/> and <see cref="IEngineSnapshot"/>, so it is the same for every engine.
/// </summary>
public sealed class IndexManager : IDisposable
{
    public const string CurrentFileName = "CURRENT";

    /// <summary>In each version folder: the name of the engine that writes it.</summary>
    public const string EngineFileName = "ENGINE";

    /// <summary>One version folder and the leases on its snapshots.</summary>
    internal sealed class IndexVersion(IndexManager owner, string name, string folder)
    {
        public string Name { get; } = name;
        public string Folder { get; } = folder;
        public int Leases;
        public bool Retired;

        public void ReleaseLease()
        {
            lock (owner._versionLock)
            {
                Leases--;
                if (!Retired || Leases > 0) return;
            }
            owner.DeleteVersionFolder(this);
        }
    }

    private readonly string _indexFolder;
    private readonly ArticleStore _store;
    private IIndexEngine _engine;
    private readonly Func<string, Analyzer> _analyzers;
    private readonly string _signature;
    private readonly IndexManagerOptions _options;
    private readonly Lock _writerLock = new();    // serializes writer operations (catch-up, merge, switch)
    private readonly Lock _reindexLock = new();
    private readonly Lock _versionLock = new();
    private IEngineWriter _writer = null!;
    private IndexVersion _version = null!;
    private IEngineSnapshot _published = null!;
    private CancellationTokenSource? _refreshCts;
    private Task? _refreshTask;
    private bool _disposed;

    private IndexManager(string indexFolder, ArticleStore store, IIndexEngine engine, Func<string, Analyzer> analyzers, string signature, IndexManagerOptions options)
    {
        _indexFolder = Path.GetFullPath(indexFolder);
        _store = store;
        _engine = engine;
        _analyzers = analyzers;
        _signature = signature;
        _options = options;
    }

    /// <summary>
    /// Opens the index under <paramref name="indexFolder"/> (creating it), removes leftovers of interrupted
    /// rebuilds, rebuilds when it was built with another analysis signature (or refuses, per options) or is ahead
    /// of the store, and catches up with the store.
    /// </summary>
    public static IndexManager Open(string indexFolder, ArticleStore store, Func<string, Analyzer> indexAnalyzers,
        string analysisSignature, IndexManagerOptions? options = null) =>
        Open(indexFolder, store, NativeEngine.Default, indexAnalyzers, analysisSignature, options);

    /// <summary>Opens the index under <paramref name="indexFolder"/> with <paramref name="engine"/>: as above; a
    /// live version written by another engine is rebuilt from the store with this one (only a conversion
    /// interrupted by a crash leaves one: the data folder's recorded engine is checked before this).</summary>
    public static IndexManager Open(string indexFolder, ArticleStore store, IIndexEngine engine, Func<string, Analyzer> indexAnalyzers,
        string analysisSignature, IndexManagerOptions? options = null)
    {
        var m = new IndexManager(indexFolder, store, engine, indexAnalyzers, analysisSignature, options ?? new IndexManagerOptions());
        try { m.Initialize(); }
        catch { m.Dispose(); throw; }
        return m;
    }

    private void Log(string message) => _options.Log?.Invoke(message);

    private EngineWriterOptions WriterOptions(bool backgroundMerges) => new()
    {
        Analyzers = _analyzers,
        AnalysisSignature = _signature,
        RamBufferBytes = _options.RamBufferBytes,
        BackgroundMerges = backgroundMerges,
        VerifyChecksumsOnOpen = _options.VerifyChecksumsOnOpen,
        Log = _options.Log,
    };

    /// <summary>The engine a version folder was written by; native for folders from before the ENGINE file.</summary>
    public static string? ReadVersionEngine(string versionFolder)
    {
        if (!Directory.Exists(versionFolder)) return null;
        string path = Path.Combine(versionFolder, EngineFileName);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : EngineNames.Native;
    }

    /// <summary>Creates a version folder for <paramref name="engine"/>: the ENGINE file first, so the folder
    /// never holds files of an engine it does not name.</summary>
    private static IEngineWriter OpenVersionWriter(IIndexEngine engine, string versionFolder, EngineWriterOptions options)
    {
        if (!Directory.Exists(versionFolder))
        {
            Directory.CreateDirectory(versionFolder);
            string tmp = Path.Combine(versionFolder, EngineFileName + ".tmp");
            File.WriteAllText(tmp, engine.Name + "\n");
            File.Move(tmp, Path.Combine(versionFolder, EngineFileName));
        }
        return engine.OpenWriter(versionFolder, options);
    }

    private void Initialize()
    {
        Directory.CreateDirectory(_indexFolder);
        string versionName = ReadCurrent() ?? "v1";
        _version = new IndexVersion(this, versionName, Path.Combine(_indexFolder, versionName));
        string? versionEngine = ReadVersionEngine(_version.Folder);
        try
        {
            if (versionEngine is not null && versionEngine != _engine.Name)
                throw new IndexCorruptException(EngineFileName, $"version {versionName} was written by engine '{versionEngine}', not '{_engine.Name}'", null, formatMismatch: true);
            _writer = OpenVersionWriter(_engine, _version.Folder, WriterOptions(_options.BackgroundMerges));
        }
        catch (IndexCorruptException e) when (e.FormatMismatch && !_options.RefuseOnSignatureMismatch)
        {
            // Written by another format version or engine: start an empty version; the catch-up below refills it
            // from the store (from sequence 0) and the old folder is removed as unused.
            Log($"index: {e.Message}: rebuilding from the store.");
            versionName = NextVersionName();
            _version = new IndexVersion(this, versionName, Path.Combine(_indexFolder, versionName));
            _writer = OpenVersionWriter(_engine, _version.Folder, WriterOptions(_options.BackgroundMerges));
            WriteCurrent(versionName);
            RebuiltOnOpen = true;
        }
        if (ReadCurrent() is null) WriteCurrent(versionName);
        _published = _writer.AcquireSnapshot();
        RemoveOtherVersions();

        var commit = _writer.LastCommit;
        if (!_options.RebuildOnOpen) return;
        if (commit.Generation > 0 && commit.AnalysisSignature != _signature)
        {
            string msg = $"index {_version.Folder} was built with analysis '{commit.AnalysisSignature}', this build uses '{_signature}'";
            if (_options.RefuseOnSignatureMismatch)
                throw new InvalidOperationException(msg + "; run `newssearch reindex` to rebuild it.");
            Log($"index: {msg}: rebuilding.");
            Reindex();
            RebuiltOnOpen = true;
        }
        else if (commit.StoreSequence > _store.CurrentSequence)
        {
            Log($"index: index contains store sequence {commit.StoreSequence} but the store is at {_store.CurrentSequence} (store replaced?): rebuilding.");
            Reindex();
            RebuiltOnOpen = true;
        }
        else if (_options.CatchUpOnOpen) CatchUp();
    }

    public string IndexFolder => _indexFolder;

    /// <summary>The folder of the live index version.</summary>
    public string CurrentVersionFolder => _version.Folder;

    public string AnalysisSignature => _signature;

    /// <summary>The engine of the live version.</summary>
    public IIndexEngine Engine => _engine;

    /// <summary>True when opening had to rebuild the index (other analysis, format or engine).</summary>
    public bool RebuiltOnOpen { get; private set; }

    /// <summary>The live version folder of an index folder (read-only tools), or null when there is no index.</summary>
    public static string? ResolveCurrentVersionFolder(string indexFolder)
    {
        string path = Path.Combine(indexFolder, CurrentFileName);
        if (!File.Exists(path)) return null;
        string name = File.ReadAllText(path).Trim();
        if (!IsVersionName(name)) throw new IndexCorruptException(CurrentFileName, $"names no valid version folder: '{name}'");
        return Path.Combine(indexFolder, name);
    }

    private string? ReadCurrent()
    {
        string path = Path.Combine(_indexFolder, CurrentFileName);
        if (!File.Exists(path)) return null;
        string name = File.ReadAllText(path).Trim();
        if (!IsVersionName(name))
            throw new IndexCorruptException(CurrentFileName, $"names no valid version folder: '{name}'");
        return name;
    }

    private void WriteCurrent(string versionName)
    {
        string tmp = Path.Combine(_indexFolder, CurrentFileName + ".tmp");
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(System.Text.Encoding.UTF8.GetBytes(versionName + "\n"));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, Path.Combine(_indexFolder, CurrentFileName), overwrite: true);
        IndexFormat.SyncDirectory(_indexFolder);
    }

    private void RemoveOtherVersions()
    {
        foreach (var dir in Directory.EnumerateDirectories(_indexFolder))
        {
            string name = Path.GetFileName(dir);
            if (name == _version.Name || !IsVersionName(name)) continue;
            Log($"index: removing unused index version {name}");
            try { Directory.Delete(dir, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Log($"index: could not remove {name}: {e.Message}"); }
        }
    }

    private string NextVersionName() =>
        "v" + (Directory.EnumerateDirectories(_indexFolder).Select(Path.GetFileName)
            .Where(n => n is not null && IsVersionName(n)).Select(n => int.Parse(n!.AsSpan(1))).DefaultIfEmpty(0).Max() + 1);

    private static bool IsVersionName(string name) => name.Length > 1 && name[0] == 'v' && name.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    private void DeleteVersionFolder(IndexVersion v)
    {
        try { Directory.Delete(v.Folder, recursive: true); Log($"index: deleted old index version {v.Name}"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Log($"index: could not delete {v.Name}: {e.Message}"); }
    }

    // ---- snapshots ----

    /// <summary>Takes a lease on the newest published snapshot. Never blocks on the writer.</summary>
    public SnapshotLease AcquireSnapshot()
    {
        while (true)
        {
            lock (_versionLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var s = _published;
                if (s.TryIncRef())
                {
                    _version.Leases++;
                    return new SnapshotLease(s, _version);
                }
            }
        }
    }

    private void Publish(IEngineSnapshot snapshot)
    {
        IEngineSnapshot old;
        lock (_versionLock)
        {
            old = _published;
            _published = snapshot;
        }
        old.DecRef();
    }

    // ---- catching up ----

    /// <summary>
    /// Applies the store's change feed since the last commit (upserts replace by id, deletes delete), commits
    /// and publishes a new snapshot. Returns the number of changes applied.
    /// </summary>
    public long CatchUp(CancellationToken ct = default)
    {
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long applied = CatchUp(_writer, ct);
            return applied;
        }
    }

    private long CatchUp(IEngineWriter writer, CancellationToken ct)
    {
        long seq = writer.LastCommit.StoreSequence;
        long applied = 0, sinceCommit = 0;
        while (!ct.IsCancellationRequested)
        {
            var changes = _store.GetChangesSince(seq, 1000);
            if (changes.Count == 0) break;
            foreach (var c in changes)
            {
                if (c.Article is null) writer.Delete(c.Id);
                else writer.Update(ArticleDocuments.ToDocument(c.Article));
                seq = c.Sequence;
                applied++;
                sinceCommit++;
            }
            if (sinceCommit >= _options.CommitEveryChanges)
            {
                writer.Commit(seq);
                sinceCommit = 0;
                if (writer == _writer) Publish(writer.AcquireSnapshot());
            }
        }
        // A new index gets a first (possibly empty) commit too, so read-only readers beside the writer always find one.
        if (applied > 0 || writer.HasUncommittedChanges || seq != writer.LastCommit.StoreSequence || writer.LastCommit.Generation == 0)
        {
            writer.Commit(seq);
            if (writer == _writer) Publish(writer.AcquireSnapshot());
        }
        return applied;
    }

    /// <summary>
    /// Polls the store every <see cref="IndexManagerOptions.RefreshInterval"/> and catches up when it moved
    /// (or when a background merge finished), so new articles are searchable within about that delay.
    /// </summary>
    public void StartBackgroundRefresh()
    {
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_refreshTask is not null) return;
            _refreshCts = new CancellationTokenSource();
            var ct = _refreshCts.Token;
            _refreshTask = Task.Run(async () =>
            {
                while (!ct.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(_options.RefreshInterval, ct).ConfigureAwait(false);
                        IEngineWriter w;
                        lock (_writerLock) w = _writer;
                        if (_store.CurrentSequence != w.LastCommit.StoreSequence || w.HasUncommittedChanges) CatchUp(ct);
                    }
                    catch (OperationCanceledException) { break; }
                    catch (ObjectDisposedException) { break; }
                    catch (Exception e) { Log($"index: background refresh failed: {e.Message}"); }
                }
            }, ct);
        }
    }

    // ---- rebuilding and merging ----

    /// <summary>
    /// Builds a complete new index version from <see cref="ArticleStore.ReadAll"/> in a new folder, catches it up,
    /// and switches to it atomically (CURRENT is replaced by rename). Searches keep using the old version until the
    /// switch; its folder is deleted when the last lease on it is released. With <paramref name="engine"/> the new
    /// version is written by that engine (converting the folder), and the manager goes on with it.
    /// </summary>
    public void Reindex(IProgress<ReindexProgress>? progress = null, IIndexEngine? engine = null, CancellationToken cancel = default)
    {
        lock (_reindexLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var target = engine ?? _engine;
            string name = NextVersionName();
            var version = new IndexVersion(this, name, Path.Combine(_indexFolder, name));
            var sw = Stopwatch.StartNew();
            Log($"index: rebuilding into {name}");
            IEngineWriter? writer = null;
            try
            {
                writer = OpenVersionWriter(target, version.Folder, WriterOptions(_options.BackgroundMerges));
                long startSeq = _store.CurrentSequence; // changes after this are replayed by the catch-up below
                long total = _store.Count, done = 0;
                foreach (var stored in _store.ReadAll())
                {
                    cancel.ThrowIfCancellationRequested(); // a canceled rebuild is dropped; the live version stays
                    writer.Add(ArticleDocuments.ToDocument(stored.Article));
                    done++;
                    if (progress is not null && (done & 1023) == 0) progress.Report(new ReindexProgress(done, total));
                }
                writer.Commit(startSeq);
                progress?.Report(new ReindexProgress(done, total));

                IEngineWriter old;
                lock (_writerLock)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    CatchUp(writer, CancellationToken.None);
                    WriteCurrent(name);
                    old = _writer;
                    var oldVersion = _version;
                    _writer = writer;
                    _engine = target;
                    var snap = writer.AcquireSnapshot();
                    IEngineSnapshot oldSnapshot;
                    lock (_versionLock)
                    {
                        // Snapshot and version change together, so every lease counts against its own version.
                        _version = version;
                        oldVersion.Retired = true;
                        oldSnapshot = _published;
                        _published = snap;
                    }
                    oldSnapshot.DecRef();
                    writer = null;
                    old.Dispose();
                    bool unused;
                    lock (_versionLock) unused = oldVersion.Leases == 0;
                    if (unused) DeleteVersionFolder(oldVersion);
                }
                Log($"index: switched to {name} ({done} articles, {sw.Elapsed.TotalSeconds:F1} s)");
            }
            catch
            {
                writer?.Dispose();
                try { if (Directory.Exists(version.Folder) && ReadCurrent() != name) Directory.Delete(version.Folder, true); }
                catch (IOException) { }
                throw;
            }
        }
    }

    /// <summary>
    /// Runs the merges the merge policy asks for to their end, then commits and publishes them: a bulk build
    /// (reindex, a large ingest) flushes many small segments whose merges a process that exits right away would
    /// abandon (a 1M reindex left 63 segments of 16k). Lucene's IndexWriter waits for its merges on close alike.
    /// </summary>
    public void WaitForMerges()
    {
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer.WaitForMerges();
            _writer.Commit(_writer.LastCommit.StoreSequence);
            Publish(_writer.AcquireSnapshot());
        }
    }

    /// <summary>Merges the index down to one segment without deletions, commits and publishes (optimize).</summary>
    public void ForceMerge()
    {
        lock (_writerLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer.ForceMerge(1);
            _writer.Commit(_writer.LastCommit.StoreSequence);
            Publish(_writer.AcquireSnapshot());
        }
    }

    /// <summary>Figures of the published snapshot.</summary>
    public IndexStats GetStats()
    {
        using var lease = AcquireSnapshot();
        return lease.Snapshot.GetStats(lease.VersionFolder);
    }

    public void Dispose()
    {
        Task? refresh;
        lock (_writerLock)
        {
            if (_disposed) return;
            _refreshCts?.Cancel();
            refresh = _refreshTask;
        }
        try { refresh?.Wait(); } catch (AggregateException) { }
        lock (_reindexLock)
        lock (_writerLock)
        {
            _disposed = true;
            _writer?.Dispose();
            lock (_versionLock) { _published?.DecRef(); }
        }
        _refreshCts?.Dispose();
    }
}
