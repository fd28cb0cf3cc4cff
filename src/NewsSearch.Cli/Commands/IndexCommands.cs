using System.CommandLine;
using NewsSearch.Core;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;
using NewsSearch.Core.Store;
using Spectre.Console;

namespace NewsSearch.Cli.Commands;

public static class IndexCommands
{
    public static IEnumerable<Command> Create(CliGlobals globals)
    {
        yield return StatsCommand(globals);
        yield return OptimizeCommand(globals);
        yield return ReindexCommand(globals);
        yield return IndexStress.Command(globals);
    }

    public static IEnumerable<Command> CreateBench(CliGlobals globals)
    {
        yield return IndexBench.Command(globals);
    }

    /// <summary>The news analysis as every command loads it (dictionary options, cache in the data folder).</summary>
    public static NewsAnalysis LoadAnalysis(CliGlobals globals, ParseResult r) => AnalysisCommands.LoadAnalysis(globals, r);

    /// <summary>Opens the index service over {data}: store, real analysis, catch-up.</summary>
    public static IndexManager OpenManager(CliGlobals globals, ParseResult r, ArticleStore store, NewsAnalysis analysis, IndexManagerOptions? options = null)
    {
        try
        {
            return IndexManager.Open(IndexFolder(globals, r), store, analysis.IndexAnalyzer, analysis.Signature.ToString(),
                options ?? new IndexManagerOptions { Log = Console.Error.WriteLine });
        }
        catch (IndexLockedException e) { throw new CliException(e.Message + " Stop the server (or other command) using it first."); }
        catch (IndexCorruptException e) { throw new CliException(e.Message + " Run `newssearch reindex` to rebuild it from the store."); }
    }

    private static Command ReindexCommand(CliGlobals globals)
    {
        var c = new Command("reindex", "Rebuild the whole index from the article store into a new version and switch to it");
        c.SetAction(r =>
        {
            var analysis = LoadAnalysis(globals, r);
            using var store = new ArticleStore(globals.DataFolder(r));
            var sw = System.Diagnostics.Stopwatch.StartNew();
            // Open without catching up: the rebuild reads everything anyway.
            using var manager = OpenManagerForRebuild(globals, r, store, analysis);
            AnsiConsole.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("reindex", maxValue: Math.Max(1, store.Count));
                manager.Reindex(new InlineProgress<ReindexProgress>(p => { task.MaxValue = Math.Max(1, p.Total); task.Value = p.Done; }));
            });
            var stats = manager.GetStats();
            Console.WriteLine($"reindexed {stats.NumDocs:N0} articles into {manager.CurrentVersionFolder} in {sw.Elapsed.TotalSeconds:F1} s ({Mb(stats.TotalBytes)})");
            return 0;
        });
        return c;
    }

    private static IndexManager OpenManagerForRebuild(CliGlobals globals, ParseResult r, ArticleStore store, NewsAnalysis analysis)
    {
        try
        {
            return IndexManager.Open(IndexFolder(globals, r), store, analysis.IndexAnalyzer, analysis.Signature.ToString(),
                new IndexManagerOptions { Log = Console.Error.WriteLine, CatchUpOnOpen = false, VerifyChecksumsOnOpen = true });
        }
        catch (IndexLockedException e) { throw new CliException(e.Message + " Stop the server first."); }
        catch (IndexCorruptException)
        {
            // A broken index is exactly what reindex is for: set it aside and start from an empty one.
            string folder = IndexFolder(globals, r);
            string aside = folder + ".broken-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            Directory.Move(folder, aside);
            Console.Error.WriteLine($"index: moved the unreadable index to {aside}");
            return IndexManager.Open(folder, store, analysis.IndexAnalyzer, analysis.Signature.ToString(),
                new IndexManagerOptions { Log = Console.Error.WriteLine, CatchUpOnOpen = false });
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>{data}/index.</summary>
    public static string IndexFolder(CliGlobals globals, ParseResult r) => Path.Combine(globals.DataFolder(r), "index");

    private static Command StatsCommand(CliGlobals globals)
    {
        var c = new Command("stats", "Print the index's segments, documents, deletions, terms per field and bytes per file kind");
        c.SetAction(r =>
        {
            string indexFolder = IndexFolder(globals, r);
            string? version = IndexManager.ResolveCurrentVersionFolder(indexFolder)
                ?? throw new CliException($"No index at {indexFolder} (run `newssearch ingest` first).");
            IndexSnapshot snapshot;
            try { snapshot = IndexSnapshot.Open(version, verifyChecksums: true, log: Console.Error.WriteLine); }
            catch (IOException e) { throw new CliException(e.Message); }
            using (snapshot) PrintStats(IndexManager.ComputeStats(snapshot, version));
            return 0;
        });
        return c;
    }

    public static void PrintStats(IndexStats s)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(s.Folder)}[/]");
        AnsiConsole.MarkupLine($"commit generation {s.Generation}, store sequence {s.StoreSequence}, analysis [grey]{Markup.Escape(s.AnalysisSignature)}[/]");
        AnsiConsole.MarkupLine($"documents {s.NumDocs:N0} live, {s.Deletions:N0} deleted, {s.MaxDoc:N0} in all; {s.Segments.Count} segments; {Mb(s.TotalBytes)}");
        var segs = new Table().Title("segments");
        foreach (var h in new[] { "segment", "docs", "live", "deleted", "size" }) segs.AddColumn(new TableColumn(h).RightAligned());
        foreach (var g in s.Segments) segs.AddRow(g.Name, $"{g.MaxDoc:N0}", $"{g.NumDocs:N0}", $"{g.Deletions:N0}", Mb(g.Bytes));
        AnsiConsole.Write(segs);
        var terms = new Table().Title("terms per field (summed over segments)");
        terms.AddColumn("field");
        terms.AddColumn(new TableColumn("terms").RightAligned());
        foreach (var (f, n) in s.TermsPerField) terms.AddRow(Markup.Escape(f), $"{n:N0}");
        AnsiConsole.Write(terms);
        var bytes = new Table().Title("bytes per file kind");
        bytes.AddColumn("kind");
        bytes.AddColumn("what");
        bytes.AddColumn(new TableColumn("bytes").RightAligned());
        bytes.AddColumn(new TableColumn("size").RightAligned());
        foreach (var (k, n) in s.BytesPerFileKind) bytes.AddRow(k, KindDescription(k), $"{n:N0}", Mb(n));
        AnsiConsole.Write(bytes);
        var fields = new Table().Title("bytes per field");
        foreach (var h in new[] { "field", "terms (tim+tip)", "postings (doc)", "positions (pos)", "postings+positions", "norms" })
            fields.AddColumn(new TableColumn(h).RightAligned());
        foreach (var (f, b) in s.BytesPerField)
            fields.AddRow(Markup.Escape(f), Mb(b.Terms), Mb(b.Postings), Mb(b.Positions), Mb(b.Postings + b.Positions), Mb(b.Norms));
        AnsiConsole.Write(fields);
    }

    public static string KindDescription(string kind) => kind switch
    {
        IndexFormat.TermsExt => "term dictionary blocks",
        IndexFormat.TermsIndexExt => "term index (first term per block)",
        IndexFormat.DocsExt => "postings: doc deltas, freqs, skip data",
        IndexFormat.PositionsExt => "positions",
        IndexFormat.NormsExt => "field lengths",
        IndexFormat.DocValuesExt => "doc values (published, section, kind)",
        IndexFormat.IdsExt => "stored article ids",
        IndexFormat.DeletesExt => "deletion bitsets",
        IndexFormat.SegmentInfoExt => "segment metadata",
        "segments" => "commit point",
        _ => "",
    };

    public static string Mb(long bytes) => $"{bytes / 1048576.0:F1} MB";

    private static Command OptimizeCommand(CliGlobals globals)
    {
        var c = new Command("optimize", "Merge the index into one segment and purge deleted documents (force merge)");
        c.SetAction(r =>
        {
            string indexFolder = IndexFolder(globals, r);
            string version = IndexManager.ResolveCurrentVersionFolder(indexFolder)
                ?? throw new CliException($"No index at {indexFolder}.");
            // Merging re-encodes postings and never analyzes text, so the writer needs no analyzers; it keeps the
            // index's recorded signature.
            string signature;
            using (var s = OpenOrFail(version)) signature = s.AnalysisSignature;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                using var w = IndexWriter.Open(version, new IndexWriterConfig
                {
                    Analyzers = _ => throw new InvalidOperationException("optimize does not analyze"),
                    AnalysisSignature = signature,
                    BackgroundMerges = false,
                    Log = Console.Error.WriteLine,
                });
                int before = w.SegmentsInfo().Count;
                w.ForceMerge(1);
                var commit = w.Commit(w.LastCommit.StoreSequence);
                Console.WriteLine($"optimized {version}: {before} → {commit.Segments.Count} segments, {commit.NumDocs:N0} docs, {sw.Elapsed.TotalSeconds:F1} s");
            }
            catch (IndexLockedException e) { throw new CliException(e.Message + " Stop the server first."); }
            catch (IOException e) { throw new CliException(e.Message); }
            return 0;
        });
        return c;
    }

    private static IndexSnapshot OpenOrFail(string version)
    {
        try { return IndexSnapshot.Open(version, verifyChecksums: true, log: Console.Error.WriteLine); }
        catch (IOException e) { throw new CliException(e.Message); }
    }
}

/// <summary>
/// The hidden <c>newssearch index-stress</c> command: upserts and deletes generated articles in the store and
/// catches the index up with frequent commits, merges and rebuilds, forever (or --iterations). The crash test
/// kills it with SIGKILL at random moments. Uses a tiny analyzer so it needs no dictionary.
/// </summary>
public static class IndexStress
{
    public const string Signature = "stress-chars/v1";

    /// <summary>Latin words and single CJK characters: enough structure for positions and many terms.</summary>
    public static Analyzer AnalyzerFor(string field) => Chars;

    private static readonly Analyzer Chars = new StressAnalyzer();

    public static IndexManagerOptions Options(Action<string>? log = null) => new()
    {
        RamBufferBytes = 256 << 10, // tiny buffer: flushes in the middle of catch-ups
        MergePolicy = new TieredMergePolicy { SegmentsPerTier = 3, MaxMergeAtOnce = 3, FloorSegmentBytes = 4096 },
        BackgroundMerges = true,
        CommitEveryChanges = 50,
        Log = log,
    };

    public static Command Command(CliGlobals globals)
    {
        var c = new Command("index-stress", "(testing) index generated articles with frequent commits until killed") { Hidden = true };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var iterations = new Option<int>("--iterations") { DefaultValueFactory = _ => int.MaxValue };
        c.Options.Add(seed);
        c.Options.Add(iterations);
        c.SetAction(r =>
        {
            string data = globals.DataFolder(r);
            Run(data, r.GetValue(seed), r.GetValue(iterations));
            return 0;
        });
        return c;
    }

    private static readonly string[] Words =
        ["city", "river", "bridge", "market", "school", "park", "road", "metro", "bus", "police", "fire", "rain", "music", "art", "news"];
    private const string Hanzi = "市区公共自行车押金退还地铁公交学校医院公园道路天气新闻记者报道";

    public static Article MakeArticle(Random rng, string id)
    {
        string Text(int n)
        {
            var sb = new System.Text.StringBuilder();
            for (int i = 0; i < n; i++)
            {
                if (rng.Next(3) == 0) sb.Append(' ').Append(Words[rng.Next(Words.Length)]).Append(' ');
                else sb.Append(Hanzi[rng.Next(Hanzi.Length)]);
            }
            return sb.ToString();
        }
        return new Article
        {
            Id = id,
            Title = Text(rng.Next(3, 12)),
            Body = Text(rng.Next(20, 400)),
            Reporters = [$"reporter{rng.Next(10)}"],
            Section = "s" + rng.Next(5),
            PublishedAt = new DateOnly(2020, 1, 1).AddDays(rng.Next(2000)),
            Kind = rng.Next(20) == 0 ? ArticleKind.Notice : ArticleKind.Article,
        };
    }

    public static void Run(string data, int seed, int iterations)
    {
        var rng = new Random(seed);
        using var store = new ArticleStore(data);
        using var manager = IndexManager.Open(Path.Combine(data, "index"), store, AnalyzerFor, Signature, Options());
        Console.WriteLine("ready");
        Console.Out.Flush();
        for (int i = 0; i < iterations; i++)
        {
            var batch = new List<Article>();
            int n = rng.Next(1, 40);
            for (int k = 0; k < n; k++) batch.Add(MakeArticle(rng, "a" + rng.Next(600)));
            store.UpsertMany(batch.DistinctBy(a => a.Id).ToList());
            int deletes = rng.Next(4);
            for (int k = 0; k < deletes; k++) store.Delete("a" + rng.Next(600));
            manager.CatchUp();
            int roll = rng.Next(100);
            if (roll < 2) manager.ForceMerge();
            else if (roll < 3) manager.Reindex();
        }
    }

    private sealed class StressAnalyzer : Analyzer
    {
        public override string Name => "stress-chars";

        public override TokenStream CreateTokenStream() => new Stream();

        private sealed class Stream : TokenStream
        {
            private string _text = "";
            private int _pos;

            public override void SetText(string text) { _text = text; _pos = 0; }

            public override bool IncrementToken()
            {
                while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
                if (_pos >= _text.Length) return false;
                int start = _pos;
                if (char.IsAsciiLetter(_text[_pos])) { while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos])) _pos++; }
                else _pos++;
                SetTerm(_text.AsSpan(start, _pos - start));
                StartOffset = start;
                EndOffset = _pos;
                PositionIncrement = 1;
                Type = _pos - start > 1 ? TokenType.Latin : TokenType.Unigram;
                return true;
            }
        }
    }
}

/// <summary>
/// <c>newssearch bench index --corpus x.jsonl [--limit N]</c>: single-threaded indexing of a bench corpus through
/// the whole path (article store, analysis, index with inline merges), printing throughput, index bytes per file
/// kind and per field, and peak memory.
/// </summary>
public static class IndexBench
{
    public static Command Command(CliGlobals globals)
    {
        var c = new Command("index", "Index a JSONL corpus (store + analysis + index, one thread) and print chars/s, sizes, peak memory");
        var corpus = new Option<string>("--corpus") { Description = "JSONL corpus (id,title,body,date), e.g. from gen_corpus.py", Required = true };
        var limit = new Option<int>("--limit") { Description = "Index at most this many articles", DefaultValueFactory = _ => int.MaxValue };
        var keep = new Option<bool>("--keep") { Description = "Keep the bench data folder (default: deleted at the end)" };
        var ram = new Option<int>("--ram-mb") { Description = "Index RAM buffer in MB", DefaultValueFactory = _ => 384 };
        var optimize = new Option<bool>("--optimize") { Description = "Afterwards force-merge to one segment and print the sizes again" };
        c.Options.Add(optimize);
        var verbose = new Option<bool>("--verbose") { Description = "Log flushes and merges" };
        c.Options.Add(verbose);
        c.Options.Add(corpus);
        c.Options.Add(limit);
        c.Options.Add(keep);
        c.Options.Add(ram);
        c.SetAction(r => Run(globals, r, r.GetValue(corpus)!, r.GetValue(limit), r.GetValue(keep), r.GetValue(ram), r.GetValue(verbose), r.GetValue(optimize)));
        return c;
    }

    private static int Run(CliGlobals globals, ParseResult r, string corpusPath, int limit, bool keep, int ramMb, bool verbose, bool optimize)
    {
        if (!File.Exists(corpusPath)) throw new CliException($"corpus not found: {corpusPath}");
        var total = System.Diagnostics.Stopwatch.StartNew();
        var analysis = IndexCommands.LoadAnalysis(globals, r);
        double loadSeconds = total.Elapsed.TotalSeconds;
        string data = Path.Combine(Path.GetTempPath(), "newssearch-bench-index-" + Environment.ProcessId);
        if (Directory.Exists(data)) Directory.Delete(data, true);
        Directory.CreateDirectory(data);
        Console.WriteLine($"analysis {analysis.Signature} loaded in {loadSeconds:F2} s; bench data folder {data}");
        try
        {
            using var store = new ArticleStore(data);
            long chars = 0, docs = 0;
            var cpuStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var batch = new List<Article>(1000);
            foreach (var line in File.ReadLines(corpusPath))
            {
                if (docs >= limit) break;
                if (string.IsNullOrWhiteSpace(line)) continue;
                var a = ParseLine(corpusPath, line);
                chars += a.Title.Length + a.Body.Length;
                docs++;
                batch.Add(a);
                if (batch.Count == 1000) { store.UpsertMany(batch); batch.Clear(); }
            }
            if (batch.Count > 0) store.UpsertMany(batch);
            double storeSeconds = sw.Elapsed.TotalSeconds;
            var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            var options = new IndexManagerOptions
            {
                BackgroundMerges = false, // one thread: merges run inline after commits
                RamBufferBytes = (long)ramMb << 20,
                CommitEveryChanges = 1_000_000, // the RAM buffer decides segment sizes
                CatchUpOnOpen = false,
                Log = verbose ? Console.Error.WriteLine : null,
            };
            long applied;
            IndexStats stats;
            using (var manager = IndexManager.Open(Path.Combine(data, "index"), store, analysis.IndexAnalyzer, analysis.Signature.ToString(), options))
            {
                applied = manager.CatchUp();
                double indexSeconds = sw.Elapsed.TotalSeconds;
                var cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                Console.WriteLine($"CPU time: store {(cpuBefore - cpuStart).TotalSeconds:F1} s, index {cpu:F1} s (all threads; wall times below include waiting for a shared CPU)");
                stats = manager.GetStats();
                double all = storeSeconds + indexSeconds;
                Console.WriteLine($"{docs:N0} articles, {chars / 1e6:F1} M chars");
                Console.WriteLine($"store:  {storeSeconds,7:F1} s");
                Console.WriteLine($"index:  {indexSeconds,7:F1} s (analysis + in-memory postings + flush + merges), {applied:N0} changes applied, {chars / indexSeconds / 1e6:F2} M chars/s");
                Console.WriteLine($"total:  {all,7:F1} s  => {chars / all / 1e6:F2} M chars/s, {docs / all:F0} docs/s (store + analysis + index, one thread)");
                IndexCommands.PrintStats(stats);
                PrintSizes(stats);
                using (var p = System.Diagnostics.Process.GetCurrentProcess())
                    Console.WriteLine($"peak working set after indexing: {IndexCommands.Mb(p.PeakWorkingSet64)}");
                if (optimize)
                {
                    sw.Restart();
                    manager.ForceMerge();
                    Console.WriteLine($"force merge to one segment: {sw.Elapsed.TotalSeconds:F1} s");
                    stats = manager.GetStats();
                    IndexCommands.PrintStats(stats);
                }
            }
            PrintSizes(stats);
            Console.WriteLine($"store.db: {IndexCommands.Mb(new FileInfo(Path.Combine(data, ArticleStore.FileName)).Length)}");
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            self.Refresh();
            Console.WriteLine($"peak working set (whole run): {IndexCommands.Mb(self.PeakWorkingSet64)}; GC heap now {IndexCommands.Mb(GC.GetTotalMemory(false))}; gen2 collections {GC.CollectionCount(2)}");
        }
        finally
        {
            if (!keep) { try { Directory.Delete(data, true); } catch (IOException) { } }
            else Console.WriteLine($"kept {data}");
        }
        return 0;
    }

    private static void PrintSizes(IndexStats stats)
    {
        long wordBytes = 0;
        foreach (var f in new[] { NewsFields.Title, NewsFields.Body })
            if (stats.BytesPerField.TryGetValue(f, out var b)) wordBytes += b.Postings + b.Positions;
        Console.WriteLine($"word fields (title, body) postings+positions: {IndexCommands.Mb(wordBytes)}");
        Console.WriteLine($"whole index: {IndexCommands.Mb(stats.TotalBytes)} in {stats.Segments.Count} segments");
    }

    private static Article ParseLine(string path, string line)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            var root = doc.RootElement;
            string Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString()! : "";
            string id = Get("id");
            if (id.Length == 0) throw new CliException($"{path}: a line without \"id\"");
            DateOnly? date = DateOnly.TryParse(Get("date"), System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
            return new Article { Id = id, Title = Get("title"), Body = Get("body"), PublishedAt = date, DateSource = "json" };
        }
        catch (System.Text.Json.JsonException e) { throw new CliException($"{path}: bad JSON line: {e.Message}"); }
    }
}
