using System.Collections.Concurrent;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Ingest;

/// <summary>
/// A folder that pages (*.txt) and article files (*.json, *.jsonl, *.ndjson) are dropped into, to be ingested into
/// the store (the server's index follows the store, so they become searchable within seconds).
/// <para>
/// <see cref="ImportPending"/> ingests the files now in the folder (and its subfolders, so a dated tree
/// <c>2026/06/01/A01.txt</c> may be dropped whole) that have settled: not written to for <see cref="SettleTime"/>.
/// Each file is then moved: to <c>done/</c> (same relative path) when it was stored, or to <c>failed/</c> with a
/// <c>&lt;name&gt;.reason.txt</c> beside it when it yielded nothing, is of a kind NewsSearch does not read, or could not
/// be read three times in a row. A name already taken in <c>done/</c> or <c>failed/</c> gets <c>.2</c>, <c>.3</c> … before
/// its extension, so no file is ever overwritten or lost, and none is ingested over and over. A file still being
/// written (it changed while it was read) stays for the next pass; ingesting it again is a no-op for what was
/// already stored. Names starting with '.' or ending in .tmp, .part, .partial, ~ are left alone (being written).
/// </para>
/// <para>
/// Pages without a date in their folders or on a folio are filed under the day they arrived (their file time), so
/// A01.txt dropped on two days does not replace the first day's articles.
/// </para>
/// Thread-safe: passes over the same folder (watcher, admin job) run one at a time.
/// </summary>
public sealed class ImportFolder
{
    public const string DoneFolderName = "done";
    public const string FailedFolderName = "failed";
    private const int MaxReadAttempts = 3;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);
    private readonly ArticleStore _store;
    private readonly IngestOptions _options;
    private readonly SemaphoreSlim _lock;
    private readonly ConcurrentDictionary<string, int> _readFailures = new(StringComparer.Ordinal);

    public ImportFolder(string folder, ArticleStore store, IngestOptions? options = null)
    {
        Folder = Path.GetFullPath(folder);
        _store = store;
        _options = options ?? new IngestOptions();
        _lock = Locks.GetOrAdd(Folder, _ => new SemaphoreSlim(1, 1));
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The folder watched (full path).</summary>
    public string Folder { get; }

    public string DoneFolder => Path.Combine(Folder, DoneFolderName);
    public string FailedFolder => Path.Combine(Folder, FailedFolderName);

    /// <summary>A file is taken once it has not been written to for this long (default 1 s).</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Files seen in the last pass that had not settled yet (the caller should look again soon).</summary>
    public int Unsettled { get; private set; }

    /// <summary>
    /// Ingests the settled files now in the folder, moves each to done/ or failed/, and returns what was stored
    /// (file errors and reasons in <see cref="IngestSummary.Errors"/>). Progress counts files of this pass.
    /// </summary>
    public IngestSummary ImportPending(IProgress<IngestProgress>? progress = null, CancellationToken cancel = default)
    {
        _lock.Wait(cancel);
        try { return Pass(progress, cancel); }
        finally { _lock.Release(); }
    }

    private IngestSummary Pass(IProgress<IngestProgress>? progress, CancellationToken cancel)
    {
        var total = new IngestSummary();
        var now = DateTime.UtcNow;
        var ready = new List<(string Path, long Length, DateTime Time)>();
        int unsettled = 0;
        foreach (var path in Candidates())
        {
            var info = new FileInfo(path);
            if (!info.Exists) continue;
            if (now - info.LastWriteTimeUtc < SettleTime) { unsettled++; continue; }
            ready.Add((path, info.Length, info.LastWriteTimeUtc));
        }
        for (int i = 0; i < ready.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var (path, length, time) = ready[i];
            ImportOne(path, length, time, total, ref unsettled);
            progress?.Report(new IngestProgress(i + 1, ready.Count, 0, 0, Relative(path), total.Stored));
        }
        Unsettled = unsettled;
        return total;
    }

    private void ImportOne(string path, long length, DateTime time, IngestSummary total, ref int unsettled)
    {
        string rel = Relative(path);
        if (!Ingester.IsPage(path) && !Ingester.IsJson(path))
        {
            Fail(path, $"not a page (*.txt) or article file (*.json, *.jsonl, *.ndjson): {rel}", total);
            return;
        }
        IngestSummary s;
        try
        {
            var options = _options with { FallbackDate = _options.FallbackDate ?? DateOnly.FromDateTime(time.ToLocalTime()) };
            s = new Ingester(_store).Run([new IngestFile(path, Folder)], options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            s = new IngestSummary();
            s.Errors.Add($"{rel}: {e.Message}");
        }
        var after = new FileInfo(path);
        if (after.Exists && (after.Length != length || after.LastWriteTimeUtc != time))
        {
            // Still being written: what was stored is updated in place on the next pass.
            unsettled++;
            total.Add(s);
            return;
        }
        if (s.Errors.Count > 0)
        {
            int failures = _readFailures.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (failures < MaxReadAttempts) { total.Add(s); return; } // e.g. locked by its writer: try again next pass
            _readFailures.TryRemove(path, out _);
            total.Add(s);
            Fail(path, string.Join("\n", s.Errors), null);
            return;
        }
        _readFailures.TryRemove(path, out _);
        total.Add(s);
        if (s.Stored == 0)
        {
            string why = s.Rejected.Count > 0 ? string.Join("\n", s.Rejected.Select(r => r.ToString()))
                : s.EmptyPages.Count > 0 ? "no articles found on the page"
                : "no records in the file";
            Fail(path, $"{rel}: nothing stored: {why}", total);
            return;
        }
        try { MoveUnder(path, DoneFolder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Stored; it stays and is read again (a no-op) until it can be moved.
            total.Errors.Add($"{rel}: stored, but cannot move to {DoneFolderName}/: {e.Message}");
        }
    }

    private void Fail(string path, string reason, IngestSummary? total)
    {
        total?.Errors.Add(reason);
        try
        {
            string moved = MoveUnder(path, FailedFolder);
            File.WriteAllText(moved + ".reason.txt", reason + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (total ?? new IngestSummary()).Errors.Add($"{Relative(path)}: cannot move to {FailedFolderName}/: {e.Message}");
        }
    }

    /// <summary>Moves the file to the same relative path under <paramref name="target"/>, never over another file.</summary>
    private string MoveUnder(string path, string target)
    {
        string dest = Path.Combine(target, Path.GetRelativePath(Folder, path));
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        string stem = Path.Combine(Path.GetDirectoryName(dest)!, Path.GetFileNameWithoutExtension(dest));
        string ext = Path.GetExtension(dest);
        for (int n = 2; File.Exists(dest) || File.Exists(dest + ".reason.txt"); n++) dest = $"{stem}.{n}{ext}";
        File.Move(path, dest);
        return dest;
    }

    private string Relative(string path) => Path.GetRelativePath(Folder, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Files under the folder, outside done/ and failed/, not hidden or temporary, in name order.</summary>
    private IEnumerable<string> Candidates()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        string done = DoneFolder + Path.DirectorySeparatorChar, failed = FailedFolder + Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(Folder, "*", options)
            .Where(f => !f.StartsWith(done, StringComparison.Ordinal) && !f.StartsWith(failed, StringComparison.Ordinal))
            .Where(f => !IsBeingWritten(Path.GetFileName(f)) && !Path.GetRelativePath(Folder, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static bool IsBeingWritten(string name) =>
        name.StartsWith('.') || name.EndsWith('~') || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase);
}
