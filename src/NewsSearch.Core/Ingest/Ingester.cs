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
}

/// <summary>Progress after each file.</summary>
public readonly record struct IngestProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal, string? CurrentFile);

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

    public int Stored => New + Updated + Unchanged;
}

/// <summary>Thrown for a path that does not exist (a user error, reported before anything is read).</summary>
public sealed class IngestPathException(string message) : Exception(message);

/// <summary>
/// Reads page dumps (*.txt) and article files (*.json, *.jsonl, *.ndjson) from files or folders into the article
/// store. Re-running on the same files changes nothing (stable ids, content-hash upserts).
/// </summary>
public sealed class Ingester(ArticleStore store)
{
    public static readonly string[] PageExtensions = [".txt"];
    public static readonly string[] JsonExtensions = [".json", ".jsonl", ".ndjson"];

    /// <summary>Files named directly, plus the matching files under folders (recursively, in name order).</summary>
    public static List<string> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (File.Exists(p)) files.Add(Path.GetFullPath(p));
            else if (Directory.Exists(p))
            {
                var found = Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)
                    .Where(f => IsPage(f) || IsJson(f))
                    .Select(Path.GetFullPath)
                    .OrderBy(f => f, StringComparer.Ordinal);
                files.AddRange(found);
            }
            else throw new IngestPathException($"no such file or folder: {p}");
        }
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    public static bool IsPage(string path) => PageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
    public static bool IsJson(string path) => JsonExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses one page file the way ingest does (used by <c>newssearch parse</c>).</summary>
    public static ParsedPage ParseFile(string path, IngestOptions options, out DecodedText decoded)
    {
        var bytes = File.ReadAllBytes(path);
        string name = Path.GetFileName(path);
        decoded = PageDecoder.Decode(bytes, name, options.Encoding);
        return PageParser.Parse(decoded.Text, new PageParseOptions
        {
            SourceFile = name,
            Date = options.Date,
            Year = options.Year,
            FileTime = File.GetLastWriteTimeUtc(path),
        });
    }

    public IngestSummary Run(IEnumerable<string> paths, IngestOptions? options = null, IProgress<IngestProgress>? progress = null,
        CancellationToken cancel = default)
    {
        options ??= new IngestOptions();
        PageDecoder.Validate(options.Encoding);
        var files = ExpandPaths(paths);
        long total = 0;
        foreach (var f in files) total += new FileInfo(f).Length;
        var summary = new IngestSummary();
        long done = 0;
        for (int i = 0; i < files.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var path = files[i];
            string name = Path.GetFileName(path);
            try
            {
                IReadOnlyList<Article> articles;
                if (IsPage(path))
                {
                    var page = ParseFile(path, options, out var decoded);
                    summary.Pages++;
                    summary.DecodeIssues.AddRange(decoded.Issues);
                    foreach (var w in page.Warnings) summary.Warnings.Add($"{name}: {w}");
                    if (page.Articles.Count == 0) summary.Warnings.Add($"{name}: no articles found");
                    articles = page.Articles;
                }
                else if (!Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) && LooksUtf8(path, options.Encoding))
                {
                    // JSON lines: streamed in batches, so a big corpus never sits in memory whole.
                    summary.JsonFiles++;
                    long before = done;
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    foreach (var batch in ArticleJsonReader.ReadLines(stream, name, summary.DecodeIssues, 2000,
                                 pos => progress?.Report(new IngestProgress(i, files.Count, before + pos, total, name))))
                    {
                        cancel.ThrowIfCancellationRequested();
                        summary.Rejected.AddRange(batch.Rejects);
                        Store(WithCallerDate(batch.Articles, options), summary);
                    }
                    articles = [];
                }
                else
                {
                    var decoded = PageDecoder.Decode(File.ReadAllBytes(path), name, options.Encoding);
                    summary.DecodeIssues.AddRange(decoded.Issues);
                    bool lines = !Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase);
                    var read = ArticleJsonReader.Read(decoded.Text, name, lines);
                    summary.JsonFiles++;
                    summary.Rejected.AddRange(read.Rejects);
                    articles = WithCallerDate(read.Articles, options);
                }
                Store(articles, summary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                summary.Errors.Add($"{path}: {e.Message}");
            }
            summary.Files++;
            done += new FileInfo(path).Length;
            progress?.Report(new IngestProgress(i + 1, files.Count, done, total, name));
        }
        summary.Bytes = done;
        return summary;
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

    private void Store(IReadOnlyList<Article> articles, IngestSummary summary)
    {
        if (articles.Count == 0) return;
        var outcomes = store.UpsertMany(articles);
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
