using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;
using Spectre.Console;

namespace NewsSearch.Cli.Commands;

/// <summary><c>newssearch parse</c>, <c>newssearch ingest</c> and <c>newssearch bench parse</c>.</summary>
public static class IngestCommands
{
    private static Option<string?> DateOption() => new("--date")
    {
        Description = "Publication date of the page(s), yyyy-MM-dd; its year resolves datelines such as 5月30日",
    };

    private static Option<string?> EncodingOption() => new("--encoding")
    {
        Description = "File encoding: auto (default), utf-8, gb18030",
    };

    public static IEnumerable<Command> Create(CliGlobals globals)
    {
        var date = DateOption();
        var encoding = EncodingOption();
        var page = new Argument<string>("page") { Description = "A page dump (*.txt)" };
        var parse = new Command("parse", "Parse one page and print every article field as JSON (nothing is stored)");
        parse.Arguments.Add(page);
        parse.Options.Add(date);
        parse.Options.Add(encoding);
        parse.SetAction(r => Guard(() => Parse(r.GetValue(page)!, Options(r.GetValue(date), r.GetValue(encoding)))));

        var idate = DateOption();
        var iencoding = EncodingOption();
        var paths = new Argument<string[]>("paths") { Description = "Page dumps (*.txt), JSON/JSONL files, or folders", Arity = ArgumentArity.OneOrMore };
        var ingest = new Command("ingest", "Read pages and JSON/JSONL articles into the store, then index them");
        ingest.Arguments.Add(paths);
        ingest.Options.Add(idate);
        ingest.Options.Add(iencoding);
        ingest.SetAction(r => Guard(() =>
        {
            var code = Ingest(globals.DataFolder(r), r.GetValue(paths)!, Options(r.GetValue(idate), r.GetValue(iencoding)));
            IndexAfterIngest(globals, r);
            return code;
        }));
        return [parse, ingest];
    }

    public static IEnumerable<Command> CreateBench(CliGlobals globals)
    {
        var mb = new Option<double>("--mb") { Description = "Megabytes of page text to parse", DefaultValueFactory = _ => 50 };
        var pages = new Option<string?>("--pages") { Description = "Folder of page dumps to repeat (default: index-data/samples)" };
        var bench = new Command("parse", "Page parsing throughput (MB/s of UTF-8 page text, one core) and allocations");
        bench.Options.Add(mb);
        bench.Options.Add(pages);
        bench.SetAction(r => Guard(() => BenchParse(r.GetValue(mb), r.GetValue(pages))));
        return [bench];
    }

    /// <summary>
    /// Brings the index up to date after an ingest: the index follows the store's change feed, so this indexes
    /// exactly what the store accepted (and would after a crash too).
    /// </summary>
    static void IndexAfterIngest(CliGlobals globals, ParseResult r)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var engine = ServeCommand.OpenEngineUnlessServed(globals, r, catchUp: false);
        if (engine is null)
        {
            Console.WriteLine("stored; a running server holds the index and indexes these changes within a second");
            return;
        }
        long changes = engine.Index.CatchUp();
        var stats = engine.Index.GetStats();
        Console.WriteLine($"indexed {changes} changes in {sw.Elapsed.TotalSeconds:F1} s; the index holds {stats.NumDocs} documents");
    }

    /// <summary>User errors as one line on stderr and an exit code, never a stack trace.</summary>
    private static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (CliException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
    }

    private static IngestOptions Options(string? date, string? encoding)
    {
        DateOnly? d = null;
        if (!string.IsNullOrWhiteSpace(date))
        {
            if (!DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                throw new CliException($"--date must be yyyy-MM-dd, got '{date}'");
            d = parsed;
        }
        try { PageDecoder.Validate(encoding); }
        catch (ArgumentException e) { throw new CliException(e.Message); }
        return new IngestOptions { Date = d, Encoding = encoding };
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    private static int Parse(string path, IngestOptions options)
    {
        if (!File.Exists(path)) throw new CliException($"no such file: {path}");
        ParsedPage page;
        DecodedText decoded;
        try { page = Ingester.ParseFile(path, options, out decoded); }
        catch (IOException e) { throw new CliException($"cannot read {path}: {e.Message}"); }
        var output = new
        {
            file = Path.GetFileName(path),
            encoding = decoded.EncodingName,
            decodeIssues = decoded.Issues.Select(i => i.ToString()),
            section = page.Section,
            editor = page.Editor,
            pageDate = page.PageDate?.ToString("yyyy-MM-dd"),
            pageDateSource = page.PageDateSource,
            warnings = page.Warnings,
            articles = page.Articles.Select(a => new
            {
                id = a.Id,
                kind = a.Kind.ToString(),
                title = a.Title,
                subtitle = a.Subtitle,
                kicker = a.Kicker,
                reporters = a.Reporters,
                correspondents = a.Correspondents,
                authors = a.Authors,
                date = a.PublishedAt?.ToString("yyyy-MM-dd"),
                dateSource = a.DateSource,
                section = a.Section,
                editor = a.Editor,
                lines = new[] { a.SourceStartLine, a.SourceEndLine },
                captions = a.Captions,
                body = a.Body,
            }),
        };
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        stdout.WriteLine(JsonSerializer.Serialize(output, Json));
        return 0;
    }

    private static int Ingest(string dataFolder, string[] paths, IngestOptions options)
    {
        List<string> files;
        try { files = Ingester.ExpandPaths(paths); }
        catch (IngestPathException e) { throw new CliException(e.Message); }
        if (files.Count == 0) throw new CliException("no *.txt, *.json or *.jsonl files found in " + string.Join(", ", paths));
        long bytes = files.Sum(f => new FileInfo(f).Length);
        using var store = new ArticleStore(dataFolder);
        var ingester = new Ingester(store);
        var sw = Stopwatch.StartNew();
        IngestSummary summary;
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (interactive && (files.Count >= 20 || bytes >= 4 << 20))
        {
            summary = null!;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("ingest", maxValue: Math.Max(1, bytes));
                    var progress = new SyncProgress(p =>
                    {
                        task.Value = p.BytesDone;
                        task.Description = $"ingest {p.FilesDone}/{p.FilesTotal}";
                    });
                    summary = ingester.Run(files, options, progress);
                });
        }
        else
        {
            long nextReport = 0;
            var progress = new SyncProgress(p =>
            {
                if (files.Count >= 20 && p.FilesDone >= nextReport)
                {
                    Console.WriteLine($"  {p.FilesDone}/{p.FilesTotal} files, {p.BytesDone / 1048576.0:F1} MB");
                    nextReport = p.FilesDone + Math.Max(1, p.FilesTotal / 10);
                }
            });
            summary = ingester.Run(files, options, progress);
        }
        sw.Stop();
        PrintSummary(summary, sw.Elapsed);
        return summary.Errors.Count > 0 ? 1 : 0;
    }

    private static void PrintSummary(IngestSummary s, TimeSpan took)
    {
        Console.WriteLine($"ingested {s.Files} files ({s.Pages} pages, {s.JsonFiles} JSON) in {took.TotalSeconds:F1}s");
        Console.WriteLine($"articles: {s.New} new, {s.Updated} updated, {s.Unchanged} unchanged (incl. {s.Notices} notices, {s.Continuations} continuations)");
        Console.WriteLine($"rejected records: {s.Rejected.Count}");
        foreach (var r in s.Rejected.Take(20)) Console.WriteLine($"  {r}");
        if (s.Rejected.Count > 20) Console.WriteLine($"  … {s.Rejected.Count - 20} more");
        if (s.DecodeIssues.Count > 0)
        {
            Console.WriteLine($"invalid bytes: {s.DecodeIssues.Count}");
            foreach (var d in s.DecodeIssues.Take(10)) Console.WriteLine($"  {d}");
        }
        if (s.Warnings.Count > 0)
        {
            Console.WriteLine($"parser warnings: {s.Warnings.Count} (see `newssearch parse <page>`)");
            foreach (var w in s.Warnings.Take(10)) Console.WriteLine($"  {w}");
        }
        foreach (var e in s.Errors) Console.Error.WriteLine($"error: {e}");
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }

    private static int BenchParse(double mb, string? pagesFolder)
    {
        if (mb <= 0) throw new CliException("--mb must be positive");
        string folder = pagesFolder ?? FindSamples() ?? throw new CliException("no sample pages found; pass --pages <folder>");
        if (!Directory.Exists(folder)) throw new CliException($"no such folder: {folder}");
        var seeds = Directory.GetFiles(folder, "*.txt").Order(StringComparer.Ordinal)
            .Select(f => PageDecoder.Decode(File.ReadAllBytes(f), Path.GetFileName(f)).Text).Where(t => t.Length > 0).ToList();
        if (seeds.Count == 0) throw new CliException($"no *.txt pages in {folder}");

        // Synthesize distinct pages: shift every digit and rotate the articles' order, so no two pages are equal.
        long target = (long)(mb * 1048576);
        var pages = new List<string>();
        long bytes = 0;
        for (int copy = 0; bytes < target; copy++)
        {
            var src = seeds[copy % seeds.Count];
            var sb = new StringBuilder(src.Length);
            int shift = copy / seeds.Count % 10;
            foreach (char c in src) sb.Append(c is >= '0' and <= '9' ? (char)('0' + (c - '0' + shift) % 10) : c);
            if (copy / seeds.Count % 2 == 1) sb.Append("\n\n").Append(src, 0, src.Length / 2);
            var page = sb.ToString();
            pages.Add(page);
            bytes += Encoding.UTF8.GetByteCount(page);
        }
        Console.WriteLine($"pages: {pages.Count} synthesized from {seeds.Count} in {folder}, {bytes / 1048576.0:F1} MB UTF-8");
        // Warm up the JIT on a few pages.
        for (int i = 0; i < Math.Min(50, pages.Count); i++) PageParser.Parse(pages[i], new PageParseOptions { SourceFile = "bench.txt", Year = 2026 });

        long articles = 0;
        long alloc0 = GC.GetAllocatedBytesForCurrentThread();
        int gc0 = GC.CollectionCount(0);
        var options = new PageParseOptions { SourceFile = "bench.txt", Year = 2026 };
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        foreach (var p in pages) articles += PageParser.Parse(p, options).Articles.Count;
        sw.Stop();
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        long alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
        double secs = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"parsed {pages.Count} pages, {articles} records in {secs:F2}s wall, {cpu:F2}s CPU");
        // CPU time is the fair figure on a shared machine; wall time includes waiting for the core.
        Console.WriteLine($"throughput: {bytes / 1048576.0 / secs:F1} MB/s wall, {bytes / 1048576.0 / cpu:F1} MB/s per CPU second ({pages.Count / secs:F0} pages/s) on one thread");
        Console.WriteLine($"allocated: {alloc / 1048576.0:F1} MB ({(double)alloc / bytes:F2} bytes per input byte), gen0 GCs: {GC.CollectionCount(0) - gc0}");
        return 0;
    }

    /// <summary>index-data/samples under the current folder or above the executable (a source checkout).</summary>
    private static string? FindSamples()
    {
        var here = Path.Combine(Environment.CurrentDirectory, "index-data", "samples");
        if (Directory.Exists(here)) return here;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "index-data", "samples");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
