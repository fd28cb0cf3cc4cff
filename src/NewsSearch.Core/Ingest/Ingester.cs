using NewsSearch.Core.Store;

namespace NewsSearch.Core.Ingest;

/// <summary>What the caller knows about the files being ingested.</summary>
public sealed record IngestOptions
{
    /// <summary>Publication date of every page (e.g. <c>--date 2026-01-08</c>); its year resolves datelines.</summary>
    public DateOnly? Date { get; init; }

    public int? Year { get; init; }

    /// <summary>null or "auto" to detect; else utf-8, gb18030, …</summary>
    public string? Encoding { get; init; }

    /// <summary>
    /// The date pages are filed under (ids, page key) when neither the caller, the page's folders nor a folio gives
    /// one; the import folder passes the day a file arrived. Datelines are not affected.
    /// </summary>
    public DateOnly? FallbackDate { get; init; }

    /// <summary>Threads parsing pages (default: one per core); one writer stores them.</summary>
    public int? ParseThreads { get; init; }

    /// <summary>Pages stored per transaction (a crash keeps whole batches: all of a batch's pages or none).</summary>
    public int PagesPerBatch { get; init; } = 100;
}

/// <summary>Progress after each stored batch of pages (and each JSON batch).</summary>
public readonly record struct IngestProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal, string? CurrentFile, int Articles = 0);

/// <summary>What an ingest run did.</summary>
public sealed class IngestSummary
{
    public int Files { get; set; }
    public int Pages { get; set; }
    public int JsonFiles { get; set; }
    public long Bytes { get; set; }
    public int New { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    /// <summary>Records deleted: records a page no longer yields, and rows of the first id scheme replaced.</summary>
    public int Deleted { get; set; }
    /// <summary>Records of kind Notice / Continuation among those stored.</summary>
    public int Notices { get; set; }
    public int Continuations { get; set; }
    public List<IngestReject> Rejected { get; } = [];
    public List<DecodeIssue> DecodeIssues { get; } = [];
    /// <summary>Parser warnings, prefixed with the file name.</summary>
    public List<string> Warnings { get; } = [];
    /// <summary>Files that could not be read at all.</summary>
    public List<string> Errors { get; } = [];
    /// <summary>Ids written (new or updated) in this run, for the index stage.</summary>
    public List<string> ChangedIds { get; } = [];
    /// <summary>Pages (archive paths) that yielded no record at all.</summary>
    public List<string> EmptyPages { get; } = [];
    /// <summary>Pages that yielded only continuations or notices, no article with a headline.</summary>
    public List<string> FragmentPages { get; } = [];

    public int Stored => New + Updated + Unchanged;

    /// <summary>Adds another run's counts and lists (e.g. one file of an import folder).</summary>
    public void Add(IngestSummary o)
    {
        Files += o.Files; Pages += o.Pages; JsonFiles += o.JsonFiles; Bytes += o.Bytes;
        New += o.New; Updated += o.Updated; Unchanged += o.Unchanged; Deleted += o.Deleted;
        Notices += o.Notices; Continuations += o.Continuations;
        Rejected.AddRange(o.Rejected); DecodeIssues.AddRange(o.DecodeIssues); Warnings.AddRange(o.Warnings);
        Errors.AddRange(o.Errors); ChangedIds.AddRange(o.ChangedIds); EmptyPages.AddRange(o.EmptyPages);
        FragmentPages.AddRange(o.FragmentPages);
    }
}

/// <summary>Thrown for a path that does not exist (a user error, reported before anything is read).</summary>
public sealed class IngestPathException(string message) : Exception(message);

/// <summary>A file to ingest and the folder it was found under (null for a file named on its own).</summary>
public readonly record struct IngestFile(string Path, string? Root);

/// <summary>
/// Reads page dumps (*.txt) and article files (*.json, *.jsonl, *.ndjson) from files or folders into the article
/// store. Pages are parsed on every core and stored by one writer in batched transactions; re-running on the same
/// files changes nothing (archive ids, content-hash upserts), and a run killed at any moment and started again
/// ends with exactly the records of the files.
/// </summary>
public sealed class Ingester(ArticleStore store)
{
    public static readonly string[] PageExtensions = [".txt"];
    public static readonly string[] JsonExtensions = [".json", ".jsonl", ".ndjson"];

    /// <summary>Files named directly, plus the matching files under folders (recursively, in name order).</summary>
    public static List<string> ExpandPaths(IEnumerable<string> paths) => ExpandFiles(paths).ConvertAll(f => f.Path);

    /// <summary>Like <see cref="ExpandPaths"/>, with the folder each file was found under (its archive root).</summary>
    public static List<IngestFile> ExpandFiles(IEnumerable<string> paths)
    {
        var files = new List<IngestFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in paths)
        {
            if (File.Exists(p))
            {
                var full = Path.GetFullPath(p);
                if (seen.Add(full)) files.Add(new IngestFile(full, null));
            }
            else if (Directory.Exists(p))
            {
                var root = Path.GetFullPath(p);
                var found = Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)
                    .Where(f => IsPage(f) || IsJson(f))
                    .Select(Path.GetFullPath)
                    .OrderBy(f => f, StringComparer.Ordinal);
                foreach (var f in found)
                    if (seen.Add(f)) files.Add(new IngestFile(f, root));
            }
            else throw new IngestPathException($"no such file or folder: {p}");
        }
        return files;
    }

    public static bool IsPage(string path) => PageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
    public static bool IsJson(string path) => JsonExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses one page file the way ingest does (used by <c>newssearch parse</c>).</summary>
    public static ParsedPage ParseFile(string path, IngestOptions options, out DecodedText decoded) =>
        ParseFile(path, null, options, out decoded);

    /// <summary>
    /// Parses one page file found under <paramref name="root"/>: its archive path (<see cref="PageIds.PagePath"/>)
    /// names it, and the date its folders spell is its page date unless the caller gives one.
    /// </summary>
    public static ParsedPage ParseFile(string path, string? root, IngestOptions options, out DecodedText decoded)
    {
        var bytes = File.ReadAllBytes(path);
        string pagePath = PageIds.PagePath(path, root);
        decoded = PageDecoder.Decode(bytes, Path.GetFileName(path), options.Encoding);
        return PageParser.Parse(decoded.Text, new PageParseOptions
        {
            SourceFile = pagePath,
            Date = options.Date ?? PageIds.DateFromPath(path),
            Year = options.Year,
            FileTime = File.GetLastWriteTimeUtc(path),
            FallbackDate = options.FallbackDate,
        });
    }

    public IngestSummary Run(IEnumerable<string> paths, IngestOptions? options = null, IProgress<IngestProgress>? progress = null,
        CancellationToken cancel = default) => Run(ExpandFiles(paths), options, progress, cancel);

    public IngestSummary Run(IReadOnlyList<IngestFile> files, IngestOptions? options, IProgress<IngestProgress>? progress = null,
        CancellationToken cancel = default)
    {
        options ??= new IngestOptions();
        PageDecoder.Validate(options.Encoding);
        long total = 0;
        foreach (var f in files) total += new FileInfo(f.Path).Length;
        var summary = new IngestSummary();
        var counter = new Counter(files.Count, total);
        var pages = files.Where(f => IsPage(f.Path)).ToList();
        if (pages.Count > 0) RunPages(pages, options, summary, counter, progress, cancel);
        foreach (var f in files)
        {
            if (IsPage(f.Path)) continue;
            cancel.ThrowIfCancellationRequested();
            RunJson(f.Path, options, summary, counter, progress, cancel);
        }
        summary.Bytes = counter.Bytes;
        return summary;
    }

    private sealed class Counter(int files, long bytes)
    {
        public readonly int FilesTotal = files;
        public readonly long BytesTotal = bytes;
        public int Files;
        public long Bytes;
        public int Articles;
        public IngestProgress Progress(string? current, long extraBytes = 0) =>
            new(Files, FilesTotal, Bytes + extraBytes, BytesTotal, current, Articles);
    }

    /// <summary>One page as a parse worker hands it to the writer.</summary>
    private sealed record ParsedFile(string Path, string PagePath, long Bytes, ParsedPage? Page, DecodedText? Decoded, string? Error);

    /// <summary>
    /// Bounded producer/consumer: parse workers (one per core) fill a small queue, this thread stores pages in batches of
    /// <see cref="IngestOptions.PagesPerBatch"/>, each one transaction.
    /// </summary>
    private void RunPages(List<IngestFile> pages, IngestOptions options, IngestSummary summary, Counter counter,
        IProgress<IngestProgress>? progress, CancellationToken cancel)
    {
        int threads = Math.Max(1, options.ParseThreads ?? Environment.ProcessorCount);
        int batchSize = Math.Max(1, options.PagesPerBatch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var queue = new System.Collections.Concurrent.BlockingCollection<ParsedFile>(Math.Max(8, batchSize * 2));
        var producer = Task.Run(() =>
        {
            try
            {
                Parallel.ForEach(pages, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = stop.Token },
                    f => queue.Add(ParseOne(f, options), stop.Token));
            }
            finally { queue.CompleteAdding(); }
        }, stop.Token);
        var batch = new List<ParsedFile>(batchSize);
        try
        {
            foreach (var item in queue.GetConsumingEnumerable(stop.Token))
            {
                batch.Add(item);
                if (batch.Count >= batchSize || queue.Count == 0 && batch.Count * 4 >= batchSize) StoreBatch(batch, summary, counter, progress);
            }
            StoreBatch(batch, summary, counter, progress);
        }
        catch
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
            throw;
        }
        try { producer.Wait(); }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException(cancel);
        }
    }

    private static ParsedFile ParseOne(IngestFile f, IngestOptions options)
    {
        string pagePath = PageIds.PagePath(f.Path, f.Root);
        long bytes = 0;
        try
        {
            bytes = new FileInfo(f.Path).Length;
            var page = ParseFile(f.Path, f.Root, options, out var decoded);
            return new ParsedFile(f.Path, pagePath, bytes, page, decoded, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ParsedFile(f.Path, pagePath, bytes, null, null, $"{f.Path}: {e.Message}");
        }
    }

    private void StoreBatch(List<ParsedFile> batch, IngestSummary summary, Counter counter, IProgress<IngestProgress>? progress)
    {
        if (batch.Count == 0) return;
        var writes = new List<PageWrite>(batch.Count);
        foreach (var f in batch)
            if (f.Page is { } page) writes.Add(new PageWrite(page.PageKey, page.Articles, page.LegacyIds));
        var results = store.WritePages(writes);
        int w = 0;
        foreach (var f in batch)
        {
            counter.Files++;
            counter.Bytes += f.Bytes;
            summary.Files++;
            if (f.Page is not { } page)
            {
                summary.Errors.Add(f.Error ?? f.Path);
                continue;
            }
            summary.Pages++;
            summary.DecodeIssues.AddRange(f.Decoded!.Issues);
            foreach (var warning in page.Warnings) summary.Warnings.Add($"{f.PagePath}: {warning}");
            if (page.Articles.Count == 0)
            {
                summary.Warnings.Add($"{f.PagePath}: no articles found");
                summary.EmptyPages.Add(f.PagePath);
            }
            else if (page.Articles.All(a => a.Kind != ArticleKind.Article)) summary.FragmentPages.Add(f.PagePath);
            var result = results[w++];
            Count(page.Articles, result.Outcomes, summary);
            summary.Deleted += result.Deleted.Count;
            counter.Articles += page.Articles.Count;
        }
        progress?.Report(counter.Progress(batch[^1].PagePath));
        batch.Clear();
    }

    private void RunJson(string path, IngestOptions options, IngestSummary summary, Counter counter, IProgress<IngestProgress>? progress,
        CancellationToken cancel)
    {
        string name = Path.GetFileName(path);
        try
        {
            if (!Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) && LooksUtf8(path, options.Encoding))
            {
                // JSON lines: streamed in batches, so a big corpus never sits in memory whole.
                summary.JsonFiles++;
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                foreach (var batch in ArticleJsonReader.ReadLines(stream, name, summary.DecodeIssues, 2000,
                             pos => progress?.Report(counter.Progress(name, pos))))
                {
                    cancel.ThrowIfCancellationRequested();
                    summary.Rejected.AddRange(batch.Rejects);
                    Store(WithCallerDate(batch.Articles, options), summary, counter);
                }
            }
            else
            {
                var decoded = PageDecoder.Decode(File.ReadAllBytes(path), name, options.Encoding);
                summary.DecodeIssues.AddRange(decoded.Issues);
                bool lines = !Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase);
                var read = ArticleJsonReader.Read(decoded.Text, name, lines);
                summary.JsonFiles++;
                summary.Rejected.AddRange(read.Rejects);
                Store(WithCallerDate(read.Articles, options), summary, counter);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            summary.Errors.Add($"{path}: {e.Message}");
        }
        summary.Files++;
        counter.Files++;
        counter.Bytes += new FileInfo(path).Length;
        progress?.Report(counter.Progress(name));
    }

    /// <summary>The file is (or was declared) UTF-8: its first 64 KB decode cleanly, a cut-off last character aside.</summary>
    private static bool LooksUtf8(string path, string? encoding)
    {
        if (encoding is not null && !encoding.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return encoding.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || encoding.Equals("utf8", StringComparison.OrdinalIgnoreCase);
        using var f = File.OpenRead(path);
        var head = new byte[65536];
        int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var status = System.Text.Unicode.Utf8.ToUtf16(head.AsSpan(0, n), new char[n], out _, out _, replaceInvalidSequences: false, isFinalBlock: n < head.Length);
        return status == System.Buffers.OperationStatus.Done || (status == System.Buffers.OperationStatus.NeedMoreData && n == head.Length);
    }

    /// <summary>JSON records without a date take the caller's <c>--date</c>.</summary>
    private static IReadOnlyList<Article> WithCallerDate(IReadOnlyList<Article> articles, IngestOptions options)
    {
        if (options.Date is not { } date) return articles;
        var result = new List<Article>(articles.Count);
        foreach (var a in articles) result.Add(a.PublishedAt is null ? a with { PublishedAt = date, DateSource = "caller-date" } : a);
        return result;
    }

    private void Store(IReadOnlyList<Article> articles, IngestSummary summary, Counter counter)
    {
        if (articles.Count == 0) return;
        Count(articles, store.UpsertMany(articles), summary);
        counter.Articles += articles.Count;
    }

    private static void Count(IReadOnlyList<Article> articles, UpsertOutcome[] outcomes, IngestSummary summary)
    {
        for (int k = 0; k < outcomes.Length; k++)
        {
            switch (outcomes[k])
            {
                case UpsertOutcome.New: summary.New++; summary.ChangedIds.Add(articles[k].Id); break;
                case UpsertOutcome.Updated: summary.Updated++; summary.ChangedIds.Add(articles[k].Id); break;
                default: summary.Unchanged++; break;
            }
            if (articles[k].Kind == ArticleKind.Notice) summary.Notices++;
            else if (articles[k].Kind == ArticleKind.Continuation) summary.Continuations++;
        }
    }
}
