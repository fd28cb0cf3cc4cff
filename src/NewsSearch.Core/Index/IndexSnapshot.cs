namespace NewsSearch.Core.Index;

/// <summary>
/// A <see cref="DirectoryReader"/> over the memory-mapped segments of one commit, reference-counted: the
/// publisher holds one reference while it is current, every search lease another. When the last reference goes,
/// the segment maps are released and files no longer needed by any commit or snapshot are deleted.
/// </summary>
public sealed class IndexSnapshot : DirectoryReader, IDisposable
{
    private int _refCount = 1;
    private readonly Action? _onClose;

    internal IndexSnapshot(IReadOnlyList<SegmentReader> leaves, CommitPoint commit, Action? onClose)
        : base(leaves, commit.StoreSequence, commit.Generation)
    {
        Commit = commit;
        Segments = leaves;
        _onClose = onClose;
    }

    public CommitPoint Commit { get; }

    public IReadOnlyList<SegmentReader> Segments { get; }

    public string AnalysisSignature => Commit.AnalysisSignature;

    public int RefCount => Volatile.Read(ref _refCount);

    /// <summary>Takes a reference unless the snapshot is already closed.</summary>
    public bool TryIncRef()
    {
        while (true)
        {
            int n = Volatile.Read(ref _refCount);
            if (n <= 0) return false;
            if (Interlocked.CompareExchange(ref _refCount, n + 1, n) == n) return true;
        }
    }

    public void DecRef()
    {
        int n = Interlocked.Decrement(ref _refCount);
        if (n == 0)
        {
            foreach (var s in Segments) s.Core.DecRef();
            _onClose?.Invoke();
        }
        else if (n < 0) throw new InvalidOperationException("snapshot released more often than acquired");
    }

    /// <summary>Releases the reference the creator holds.</summary>
    public void Dispose() => DecRef();

    /// <summary>Recomputes every segment file's CRC-32C; throws <see cref="IndexCorruptException"/> naming the file.</summary>
    public void VerifyChecksums()
    {
        foreach (var s in Segments) s.VerifyChecksums();
    }

    /// <summary>Finds the live doc holding an article id (global doc id), or -1.</summary>
    public int FindDoc(string id)
    {
        foreach (var leaf in Segments)
        {
            var pe = leaf.GetPostings(NewsFields.Id, id, false);
            if (pe is null) continue;
            for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
                if (leaf.IsLive(d)) return leaf.DocBase + d;
        }
        return -1;
    }

    /// <summary>Ids of every live document (for checks and tests).</summary>
    public HashSet<string> LiveIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var leaf in Segments)
            for (int d = 0; d < leaf.MaxDoc; d++)
                if (leaf.IsLive(d)) ids.Add(leaf.GetId(d));
        return ids;
    }

    /// <summary>
    /// Opens the newest valid commit of a folder read-only (no writer, nothing deleted). Returns an empty snapshot
    /// for a folder without commits. Throws <see cref="IndexCorruptException"/> when no commit is usable.
    /// </summary>
    public static IndexSnapshot Open(string folder, bool verifyChecksums = true, Action<string>? log = null)
    {
        var loaded = CommitLoader.LoadNewest(folder, verifyChecksums, log);
        if (loaded is null) return new IndexSnapshot([], new CommitPoint(), null);
        return loaded.ToSnapshot(null);
    }
}

/// <summary>A validated commit with its segments opened.</summary>
internal sealed class LoadedCommit
{
    public required CommitPoint Commit { get; init; }
    public required List<SegmentCore> Cores { get; init; }
    public required List<DeletedDocs?> Deleted { get; init; }
    /// <summary>The next older commit that also reads cleanly (kept so there is something to fall back to).</summary>
    public CommitPoint? Previous { get; init; }

    /// <summary>Builds a snapshot that takes over the loader's core references.</summary>
    public IndexSnapshot ToSnapshot(Action? onClose)
    {
        var leaves = new List<SegmentReader>(Cores.Count);
        int docBase = 0;
        for (int i = 0; i < Cores.Count; i++)
        {
            leaves.Add(new SegmentReader(Cores[i], Deleted[i]) { DocBase = docBase });
            docBase += Cores[i].MaxDoc;
        }
        return new IndexSnapshot(leaves, Commit, onClose);
    }
}

internal static class CommitLoader
{
    /// <summary>
    /// The newest commit whose segments_N and every file pass validation (lengths, footers, and with
    /// <paramref name="verifyChecksums"/> full CRCs). Broken newer commits are logged and skipped; when every commit
    /// is broken the newest one's error is thrown. Null when the folder has no commit at all.
    /// </summary>
    public static LoadedCommit? LoadNewest(string folder, bool verifyChecksums, Action<string>? log)
    {
        var gens = CommitPoint.ListGenerations(folder);
        if (gens.Count == 0) return null;
        Exception? first = null;
        for (int i = 0; i < gens.Count; i++)
        {
            string path = Path.Combine(folder, IndexFormat.CommitFile(gens[i]));
            try
            {
                var commit = CommitPoint.Read(path);
                var (cores, deleted) = OpenSegments(folder, commit, verifyChecksums);
                if (first is not null)
                    log?.Invoke($"index: fell back to commit {commit.FileName} (store sequence {commit.StoreSequence}) after: {first.Message}");
                CommitPoint? previous = null;
                for (int k = i + 1; k < gens.Count && previous is null; k++)
                {
                    try
                    {
                        var older = CommitPoint.Read(Path.Combine(folder, IndexFormat.CommitFile(gens[k])));
                        if (older.Segments.SelectMany(s => s.AllFiles).All(f => FileHasLength(folder, f)))
                            previous = older;
                    }
                    catch (IOException) { }
                }
                return new LoadedCommit { Commit = commit, Cores = cores, Deleted = deleted, Previous = previous };
            }
            catch (IOException e)
            {
                first ??= e;
                log?.Invoke($"index: commit {Path.GetFileName(path)} is not usable: {e.Message}");
            }
        }
        throw first is IndexCorruptException ce
            ? new IndexCorruptException(ce.FileName, "no usable commit in " + folder + "; newest error: " + ce.Message.Split(": ", 2)[^1], first, ce.FormatMismatch)
            : new IOException($"No usable commit in {folder}: {first!.Message}", first);
    }

    private static bool FileHasLength(string folder, IndexFileInfo f)
    {
        var fi = new FileInfo(Path.Combine(folder, f.Name));
        return fi.Exists && fi.Length == f.Length;
    }

    private static (List<SegmentCore>, List<DeletedDocs?>) OpenSegments(string folder, CommitPoint commit, bool verify)
    {
        var cores = new List<SegmentCore>();
        var deleted = new List<DeletedDocs?>();
        try
        {
            foreach (var s in commit.Segments)
            {
                var expected = s.Files.ToDictionary(f => f.Name);
                var core = SegmentCore.Open(folder, s.Name, expected, verify);
                cores.Add(core);
                if (core.MaxDoc != s.MaxDoc)
                    throw new IndexCorruptException(IndexFormat.SegmentFile(s.Name, IndexFormat.SegmentInfoExt), $"has {core.MaxDoc} docs, commit says {s.MaxDoc}");
                DeletedDocs? del = null;
                if (s.DelFile is { } d)
                {
                    del = DeletedDocs.Read(Path.Combine(folder, d.Name), s.MaxDoc, d.Length, d.Checksum);
                    if (del.Count != s.DelCount) throw new IndexCorruptException(d.Name, $"has {del.Count} deletions, commit says {s.DelCount}");
                }
                deleted.Add(del);
            }
            return (cores, deleted);
        }
        catch
        {
            foreach (var c in cores) c.DecRef();
            throw;
        }
    }
}

/// <summary>
/// Reference counts of index files: commits kept, the writer's live segments and open snapshots each hold
/// references; a file is deleted when its count drops to zero. Only files named like ours are ever deleted.
/// </summary>
internal sealed class IndexFileDeleter(string folder, Action<string>? log)
{
    private readonly Dictionary<string, int> _refs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void IncRef(IEnumerable<string> files)
    {
        lock (_lock)
            foreach (var f in files) _refs[f] = _refs.GetValueOrDefault(f) + 1;
    }

    public void DecRef(IEnumerable<string> files)
    {
        List<string>? toDelete = null;
        lock (_lock)
        {
            foreach (var f in files)
            {
                if (!_refs.TryGetValue(f, out int n)) continue;
                if (n <= 1) { _refs.Remove(f); (toDelete ??= []).Add(f); }
                else _refs[f] = n - 1;
            }
        }
        if (toDelete is not null) foreach (var f in toDelete) TryDelete(f);
    }

    public bool IsReferenced(string file)
    {
        lock (_lock) return _refs.ContainsKey(file);
    }

    /// <summary>Removes every index file nobody references (leftovers of a crash or of an abandoned commit).</summary>
    public void DeleteUnreferenced()
    {
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            string name = Path.GetFileName(path);
            if (!IndexFormat.IsIndexFile(name) || IsReferenced(name)) continue;
            TryDelete(name);
        }
    }

    private void TryDelete(string name)
    {
        try { File.Delete(Path.Combine(folder, name)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.Invoke($"index: could not delete {name}: {e.Message}");
        }
    }
}
