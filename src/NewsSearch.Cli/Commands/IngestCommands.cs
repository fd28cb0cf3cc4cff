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
            var code = Ingest(globals.DataFolder(r), r.GetValue(paths)!, Options(r.GetValue(idate), r.GetValue(iencoding)), upgrade: false);
            IndexAfterIngest(globals, r);
            return code;
        }));

        var udate = DateOption();
        var uencoding = EncodingOption();
        var upaths = new Argument<string[]>("paths") { Description = "The archive's page folders (as ingested before)", Arity = ArgumentArity.OneOrMore };
        var upgrade = new Command("upgrade",
            "Move a data folder from file-name ids to archive ids: ingest the pages again, then delete the old rows of those page files");
        upgrade.Arguments.Add(upaths);
        upgrade.Options.Add(udate);
        upgrade.Options.Add(uencoding);
        upgrade.SetAction(r => Guard(() =>
        {
            var code = Ingest(globals.DataFolder(r), r.GetValue(upaths)!, Options(r.GetValue(udate), r.GetValue(uencoding)), upgrade: true);
            IndexAfterIngest(globals, r);
            return code;
        }));
        return [parse, ingest, upgrade];
    }

    public static IEnumerable<Command> CreateBench(CliGlobals globals)
    {
        var mb = new Option<double>("--mb") { Description = "Megabytes of page text to parse", DefaultValueFactory = _ => 50 };
        var pages = new Option<string?>("--pages") { Description = "Folder of page dumps to repeat (default: index-data/samples)" };
        var bench = new Command("parse", "Page parsing throughput (MB/s of UTF-8 page text, one core) and allocations");
        bench.Options.Add(mb);
        bench.Options.Add(pages);
        bench.SetAction(r => Guard(() => BenchParse(r.GetValue(mb), r.GetValue(pages))));

        var corpus = new Option<string>("--corpus") { Description = "JSONL corpus (id,title,body,date)", Required = true };
        var outDir = new Option<string>("--out") { Description = "Folder to write the pages to (yyyy/MM/dd/Ann.txt)", Required = true };
        var count = new Option<int>("--pages") { Description = "Number of pages", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same corpus, seed and count: same bytes)", DefaultValueFactory = _ => 1 };
        var perDay = new Option<int>("--pages-per-day") { Description = "Pages a day (A01…)", DefaultValueFactory = _ => 8 };
        var gen = new Command("gen-pages", "Write synthetic page dumps in our paper's format from a JSONL corpus");
        gen.Options.Add(corpus);
        gen.Options.Add(outDir);
        gen.Options.Add(count);
        gen.Options.Add(seed);
        gen.Options.Add(perDay);
        gen.SetAction(r => Guard(() => GenPages(r.GetValue(corpus)!, r.GetValue(outDir)!, r.GetValue(count), r.GetValue(seed), r.GetValue(perDay))));

        var tree = new Option<string>("--pages") { Description = "Folder of page dumps (e.g. from bench gen-pages)", Required = true };
        var keep = new Option<bool>("--keep") { Description = "Keep the bench data folder (default: deleted at the end)" };
        var threads = new Option<int?>("--threads") { Description = "Parse threads (default: one per core)" };
        var ingestBench = new Command("ingest", "Ingest a page tree into a fresh data folder (parse + store + index) and print pages/s, articles/s, peak memory");
        ingestBench.Options.Add(tree);
        ingestBench.Options.Add(keep);
        ingestBench.Options.Add(threads);
        ingestBench.SetAction(r => Guard(() => BenchIngest(globals, r, r.GetValue(tree)!, r.GetValue(keep), r.GetValue(threads))));
        return [bench, gen, ingestBench];
    }

    private static int GenPages(string corpus, string outDir, int pages, int seed, int perDay)
    {
        if (!File.Exists(corpus)) throw new CliException($"corpus not found: {corpus}");
        if (pages <= 0) throw new CliException("--pages must be positive");
        if (perDay <= 0) throw new CliException("--pages-per-day must be positive");
        var sw = Stopwatch.StartNew();
        GeneratedArchive archive;
        try { archive = PageGenerator.Generate(PageGenerator.ReadCorpus(corpus), outDir, pages, seed, pagesPerDay: perDay); }
        catch (JsonException e) { throw new CliException($"{corpus}: bad JSON line: {e.Message}"); }
        catch (ArgumentException e) { throw new CliException($"{corpus}: {e.Message}"); }
        Console.WriteLine($"wrote {archive.Pages} pages ({archive.Bytes / 1048576.0:F1} MB) with {archive.Articles} articles and {archive.Notices} notices to {outDir} in {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static int BenchIngest(CliGlobals globals, ParseResult r, string tree, bool keep, int? threads)
    {
        if (!Directory.Exists(tree)) throw new CliException($"no such folder: {tree}");
        string data = Path.Combine(Path.GetTempPath(), "newssearch-bench-ingest-" + Environment.ProcessId);
        if (Directory.Exists(data)) Directory.Delete(data, true);
        try
        {
            var engineOptions = new NewsSearch.Core.NewsEngineOptions
            {
                Analysis = new NewsSearch.Core.Analysis.AnalysisOptions
                {
                    DictionaryPath = r.GetValue(globals.Dictionary),
                    UserDictionaryPath = r.GetValue(globals.UserDictionary),
                },
                CatchUpOnOpen = false,
            };
            NewsSearch.Core.NewsEngine engine;
            try { engine = NewsSearch.Core.NewsEngine.Open(data, engineOptions); }
            catch (Exception e) when (ServeCommand.IsSetupError(e)) { throw new CliException(e.Message); }
            using (engine)
            {
                var files = Ingester.ExpandFiles([tree]);
                Console.WriteLine($"{files.Count} files under {tree}; bench data folder {data}; {Environment.ProcessorCount} cores");
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                var summary = new Ingester(engine.Store).Run(files, new IngestOptions { ParseThreads = threads });
                double ingestSeconds = sw.Elapsed.TotalSeconds;
                var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
                sw.Restart();
                long changes = engine.Index.CatchUp();
                double indexSeconds = sw.Elapsed.TotalSeconds;
                var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
                double all = ingestSeconds + indexSeconds;
                int records = summary.Stored;
                Console.WriteLine($"{summary.Pages} pages ({summary.Bytes / 1048576.0:F1} MB), {records} records ({records - summary.Notices - summary.Continuations} articles, {summary.Notices} notices, {summary.Continuations} continuations); empty pages {summary.EmptyPages.Count}, fragment-only pages {summary.FragmentPages.Count}, warnings {summary.Warnings.Count}");
                Console.WriteLine($"parse + store: {ingestSeconds,7:F1} s wall, {(cpu1 - cpu0).TotalSeconds:F1} s CPU => {summary.Pages / ingestSeconds:F0} pages/s, {records / ingestSeconds:F0} articles/s");
                Console.WriteLine($"index:         {indexSeconds,7:F1} s wall, {(cpu2 - cpu1).TotalSeconds:F1} s CPU, {changes} changes");
                Console.WriteLine($"parse + store + index: {all:F1} s => {summary.Pages / all:F0} pages/s, {records / all:F0} articles/s; the index holds {engine.Index.GetStats().NumDocs} documents");
                using var self = Process.GetCurrentProcess();
                self.Refresh();
                Console.WriteLine($"peak working set: {self.PeakWorkingSet64 / 1048576.0:F0} MB; GC heap now {GC.GetTotalMemory(false) / 1048576.0:F0} MB");
            }
        }
        finally
        {
            if (!keep) { try { Directory.Delete(data, true); } catch (IOException) { } }
            else Console.WriteLine($"kept {data}");
        }
        return 0;
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
        if (changes > 0) engine.Index.WaitForMerges(); // before exiting, which would abandon them
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

    private static int Ingest(string dataFolder, string[] paths, IngestOptions options, bool upgrade)
    {
        List<IngestFile> files;
        try { files = Ingester.ExpandFiles(paths); }
        catch (IngestPathException e) { throw new CliException(e.Message); }
        if (files.Count == 0) throw new CliException("no *.txt, *.json or *.jsonl files found in " + string.Join(", ", paths));
        long bytes = files.Sum(f => new FileInfo(f.Path).Length);
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
                        task.Description = Markup.Escape(ProgressLine(p, sw.Elapsed, withEta: false));
                    });
                    summary = ingester.Run(files, options, progress);
                });
        }
        else
        {
            // Redirected: a plain line about every 10% (and at least every 5 s on long runs).
            long nextReport = 0;
            var lastLine = TimeSpan.Zero;
            var progress = new SyncProgress(p =>
            {
                if (files.Count >= 20 && (p.FilesDone >= nextReport || sw.Elapsed - lastLine > TimeSpan.FromSeconds(5)))
                {
                    Console.WriteLine("  " + ProgressLine(p, sw.Elapsed, withEta: true));
                    nextReport = p.FilesDone + Math.Max(1, p.FilesTotal / 10);
                    lastLine = sw.Elapsed;
                }
            });
            summary = ingester.Run(files, options, progress);
        }
        if (upgrade)
        {
            var names = files.Where(f => Ingester.IsPage(f.Path)).Select(f => Path.GetFileName(f.Path)).ToHashSet(StringComparer.Ordinal);
            int removed = store.DeleteLegacyPageRows(names).Count;
            summary.Deleted += removed;
            Console.WriteLine($"upgrade: {removed} rows with file-name ids of these pages deleted");
        }
        sw.Stop();
        PrintSummary(summary, sw.Elapsed);
        long legacy = store.LegacyPageRowCount;
        if (legacy > 0)
            Console.WriteLine($"note: {legacy} articles still carry file-name ids from an older version; run `newssearch upgrade <archive folders>` to replace them");
        return summary.Errors.Count > 0 ? 1 : 0;
    }

    /// <summary>"pages 1200/10000 · articles 5400 · 85 pages/s · ETA 1m43s".</summary>
    private static string ProgressLine(IngestProgress p, TimeSpan elapsed, bool withEta)
    {
        double secs = Math.Max(0.001, elapsed.TotalSeconds);
        double rate = p.FilesDone / secs;
        var line = $"pages {p.FilesDone}/{p.FilesTotal} · articles {p.Articles} · {rate:F0} pages/s";
        if (withEta && p.BytesDone > 0 && p.BytesDone < p.BytesTotal)
        {
            var eta = TimeSpan.FromSeconds(secs * (p.BytesTotal - p.BytesDone) / p.BytesDone);
            line += $" · ETA {(int)eta.TotalMinutes}m{eta.Seconds:00}s";
        }
        return line;
    }

    private static void PrintSummary(IngestSummary s, TimeSpan took)
    {
        Console.WriteLine($"ingested {s.Files} files ({s.Pages} pages, {s.JsonFiles} JSON) in {took.TotalSeconds:F1}s");
        Console.WriteLine($"articles: {s.New} new, {s.Updated} updated, {s.Unchanged} unchanged, {s.Deleted} deleted (incl. {s.Notices} notices, {s.Continuations} continuations)");
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
        PrintPages("pages with no article at all", s.EmptyPages);
        PrintPages("pages with only fragments (continuations, notices)", s.FragmentPages);
        foreach (var e in s.Errors) Console.Error.WriteLine($"error: {e}");
    }

    private static void PrintPages(string what, List<string> pages)
    {
        if (pages.Count == 0) return;
        Console.WriteLine($"{what}: {pages.Count}");
        foreach (var p in pages.Take(20)) Console.WriteLine($"  {p}");
        if (pages.Count > 20) Console.WriteLine($"  … {pages.Count - 20} more");
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
