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
        yield return CheckCommand(globals);
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
        var info = globals.FolderInfo(r);
        try
        {
            var manager = IndexManager.Open(IndexFolder(globals, r), store, CliGlobals.EngineNamed(info.Engine), analysis.IndexAnalyzer,
                analysis.Signature.ToString(), options ?? new IndexManagerOptions { Log = Console.Error.WriteLine });
            if (DataFolderInfo.Read(globals.DataFolder(r)) is null) info.Write(globals.DataFolder(r));
            return manager;
        }
        catch (IndexLockedException e) { throw new CliException(e.Message + " Stop the server (or other command) using it first."); }
        catch (IndexCorruptException e) { throw new CliException(e.Message + " Run `newssearch reindex` to rebuild it from the store."); }
    }

    private static Command ReindexCommand(CliGlobals globals)
    {
        var c = new Command("reindex", "Rebuild the whole index from the article store into a new version and switch to it; " +
            "with --engine or --analysis, convert the data folder to that engine or analysis");
        c.SetAction(r =>
        {
            string data = globals.DataFolder(r);
            DataFolderInfo recorded;
            try { recorded = DataFolderInfo.Read(data) ?? DataFolderInfo.Default; }
            catch (InvalidDataException e) { throw new CliException(e.Message); }
            var target = new DataFolderInfo(r.GetValue(globals.Engine) ?? recorded.Engine, r.GetValue(globals.Analysis) ?? recorded.Analysis);
            var targetEngine = CliGlobals.EngineNamed(target.Engine);
            var currentEngine = CliGlobals.EngineNamed(recorded.Engine);
            var analysis = AnalysisCommands.Load(AnalysisOptions.ForDataFolder(data, r.GetValue(globals.Dictionary), r.GetValue(globals.UserDictionary))
                with { WordAnalysis = target.Analysis });
            using var store = new ArticleStore(data);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            // Open without catching up or rebuilding: the rebuild below reads everything anyway.
            using var manager = OpenManagerForRebuild(IndexFolder(globals, r), store, currentEngine, analysis);
            AnsiConsole.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("reindex", maxValue: Math.Max(1, store.Count));
                manager.Reindex(new InlineProgress<ReindexProgress>(p => { task.MaxValue = Math.Max(1, p.Total); task.Value = p.Done; }), targetEngine);
            });
            // After the switch: a crash before this line leaves the old record, and the next open rebuilds with it.
            target.Write(data);
            // The bulk build flushed many small segments: merge them as the policy asks before exiting.
            manager.WaitForMerges();
            var stats = manager.GetStats();
            string converted = target == recorded ? "" : $" (converted from {recorded.Engine}/{recorded.Analysis} to {target.Engine}/{target.Analysis})";
            Console.WriteLine($"reindexed {stats.NumDocs:N0} articles into {manager.CurrentVersionFolder} in {sw.Elapsed.TotalSeconds:F1} s ({Mb(stats.TotalBytes)}){converted}");
            return 0;
        });
        return c;
    }

    private static IndexManager OpenManagerForRebuild(string indexFolder, ArticleStore store, IIndexEngine engine, NewsAnalysis analysis)
    {
        var options = new IndexManagerOptions { Log = Console.Error.WriteLine, CatchUpOnOpen = false, RebuildOnOpen = false, VerifyChecksumsOnOpen = true };
        try
        {
            return IndexManager.Open(indexFolder, store, engine, analysis.IndexAnalyzer, analysis.Signature.ToString(), options);
        }
        catch (IndexLockedException e) { throw new CliException(e.Message + " Stop the server first."); }
        catch (IndexCorruptException)
        {
            // A broken index is exactly what reindex is for: set it aside and start from an empty one.
            string aside = indexFolder + ".broken-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            Directory.Move(indexFolder, aside);
            Console.Error.WriteLine($"index: moved the unreadable index to {aside}");
            return IndexManager.Open(indexFolder, store, engine, analysis.IndexAnalyzer, analysis.Signature.ToString(), options);
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
        var c = new Command("stats", "Print the data folder's engine and analysis, and the index's segments, documents, deletions, terms per field and bytes per file kind");
        c.SetAction(r =>
        {
            var info = globals.FolderInfo(r);
            var (version, engine) = CurrentVersion(globals, r);
            IEngineSnapshot? snapshot;
            try { snapshot = engine.OpenReadOnly(version, verifyChecksums: true); }
            catch (IOException e) { throw new CliException(e.Message); }
            if (snapshot is null) throw new CliException($"No commit in {version} (run `newssearch ingest` first).");
            AnsiConsole.MarkupLine($"data folder: engine [bold]{Markup.Escape(info.Engine)}[/], analysis [bold]{Markup.Escape(info.Analysis)}[/]");
            using (snapshot) PrintStats(snapshot.GetStats(version));
            return 0;
        });
        return c;
    }

    /// <summary>The live version folder and the engine that wrote it (its ENGINE file), or a one-line error.</summary>
    public static (string Version, IIndexEngine Engine) CurrentVersion(CliGlobals globals, ParseResult r)
    {
        string indexFolder = IndexFolder(globals, r);
        string? version;
        try { version = IndexManager.ResolveCurrentVersionFolder(indexFolder); }
        catch (IOException e) { throw new CliException(e.Message); }
        if (version is null || !Directory.Exists(version)) throw new CliException($"No index at {indexFolder} (run `newssearch ingest` first).");
        return (version, CliGlobals.EngineNamed(IndexManager.ReadVersionEngine(version) ?? EngineNames.Native));
    }

    private static Command CheckCommand(CliGlobals globals)
    {
        var c = new Command("check", "Verify the index's integrity (checksums of every file, structure); prints each problem, exit 1 when any");
        c.SetAction(r =>
        {
            var (version, engine) = CurrentVersion(globals, r);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var result = engine.Check(version);
            foreach (var p in result.Problems) Console.WriteLine($"problem: {p}");
            Console.WriteLine(result.Ok
                ? $"ok: {version} ({result.Engine}), generation {result.Generation}, {result.NumDocs:N0} docs, checked in {sw.Elapsed.TotalSeconds:F1} s"
                : $"{result.Problems.Count} problem(s) in {version} ({result.Engine}); run `newssearch reindex` to rebuild it from the store");
            return result.Ok ? 0 : 1;
        });
        return c;
    }

    public static void PrintStats(IndexStats s)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(s.Folder)}[/]");
        if (s.Engine.Length > 0) AnsiConsole.MarkupLine($"engine {Markup.Escape(s.Engine)}, format {Markup.Escape(s.Format)}");
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
            var (version, engine) = CurrentVersion(globals, r);
            // Merging re-encodes postings and never analyzes text, so the writer needs no analyzers; it keeps the
            // index's recorded signature.
            string signature;
            int before;
            try
            {
                using var s = engine.OpenReadOnly(version, verifyChecksums: true) ?? throw new CliException($"No commit in {version}.");
                signature = s.AnalysisSignature;
                before = s.GetStats(version).Segments.Count;
            }
            catch (IOException e) { throw new CliException(e.Message); }
            var sw = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                using var w = engine.OpenWriter(version, new EngineWriterOptions
                {
                    Analyzers = _ => throw new InvalidOperationException("optimize does not analyze"),
                    AnalysisSignature = signature,
                    BackgroundMerges = false,
                    Log = Console.Error.WriteLine,
                });
                w.ForceMerge(1);
                var commit = w.Commit(w.LastCommit.StoreSequence);
                using var after = w.AcquireSnapshot();
                Console.WriteLine($"optimized {version}: {before} → {after.GetStats(version).Segments.Count} segments, {after.NumDocs:N0} docs, {sw.Elapsed.TotalSeconds:F1} s");
            }
            catch (IndexLockedException e) { throw new CliException(e.Message + " Stop the server first."); }
            catch (IOException e) { throw new CliException(e.Message); }
            return 0;
        });
        return c;
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
                var a = BenchShared.ParseCorpusLine(corpusPath, line);
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
            var engine = CliGlobals.EngineNamed(r.GetValue(globals.Engine) ?? EngineNames.Native);
            Console.WriteLine($"engine {engine.Name} ({engine.Format})");
            using (var manager = IndexManager.Open(Path.Combine(data, "index"), store, engine, analysis.IndexAnalyzer, analysis.Signature.ToString(), options))
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
            Console.WriteLine($"peak working set (whole run): {IndexCommands.Mb(self.PeakWorkingSet64)}; GC heap now {IndexCommands.Mb(GC.GetTotalMemory(false))}; gen2 collections {GC.CollectionCount(2)}, GC pauses {GC.GetTotalPauseDuration().TotalSeconds:F1} s, {GC.GetTotalAllocatedBytes() / 1e9:F1} GB allocated");
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
}
