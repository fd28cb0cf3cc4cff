using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using NewsSearch.Engine.Lucene.Baseline;

namespace NewsSearch.Cli.Commands;

/// <summary>
/// <c>newssearch bench compare --corpus x.jsonl --queries q.txt</c>: in one process, indexes one article store with
/// our native engine, our Lucene.Net engine (both through <see cref="IndexManager"/>, as <c>bench index</c>) and the
/// stock Lucene.Net + SmartCn reference baseline (<see cref="StockLuceneBaseline"/>), runs the bench queries on all
/// three with the timed passes interleaved (so a busy neighbour slows all of them alike), and prints issue 8's
/// ratios in wall time and in CPU time (this thread's, per search; the process's, per index stage).
/// </summary>
public static class CompareBench
{
    private const string Native = "native", Lucene = "lucene", Stock = "stock";

    public static Command Command(CliGlobals globals)
    {
        var c = new Command("compare", "Index one corpus with the native engine, the Lucene.Net engine and stock Lucene.Net + SmartCn, " +
            "search all three, and print the ratios side by side (wall and CPU time)");
        var corpus = new Option<string>("--corpus") { Description = "JSONL corpus (id,title,body,date), e.g. from gen_corpus.py", Required = true };
        var queries = new Option<string>("--queries") { Description = "File with one query per line (e.g. ../shared/bench/queries.txt)", Required = true };
        var limit = new Option<int>("--limit") { Description = "Index at most this many articles", DefaultValueFactory = _ => int.MaxValue };
        // As bench search: at least this many, then on until the JIT goes quiet on every engine's paths.
        var warmup = new Option<int>("--warmup") { Description = "Untimed passes over all queries per engine at least (each variant too), then on until the JIT has compiled nothing for 1 s (at most 60 s); 0: none", DefaultValueFactory = _ => 30 };
        var passes = new Option<int>("--passes") { Description = "Timed passes over all queries (engines interleaved per pass)", DefaultValueFactory = _ => 20 };
        var keep = new Option<string?>("--keep") { Description = "Put the bench data in this folder and keep it (default: a temporary folder, deleted at the end)" };
        var ram = new Option<int>("--ram-mb") { Description = "RAM buffer of our two engines in MB (the baseline uses 64 MB, as the reference)", DefaultValueFactory = _ => 384 };
        var optimize = new Option<bool>("--optimize") { Description = "Force-merge every index to one segment before searching (sizes printed before and after)" };
        foreach (var o in new Option[] { corpus, queries, limit, warmup, passes, keep, ram, optimize }) c.Options.Add(o);
        c.SetAction(r => Run(globals, r, new Settings(r.GetValue(corpus)!, BenchShared.ReadQueries(r.GetValue(queries)!),
            Math.Max(1, r.GetValue(limit)), Math.Max(0, r.GetValue(warmup)), Math.Max(1, r.GetValue(passes)), r.GetValue(keep),
            Math.Max(16, r.GetValue(ram)), r.GetValue(optimize))));
        return c;
    }

    private sealed record Settings(string Corpus, List<string> Queries, int Limit, int Warmup, int Passes, string? Keep, int RamMb, bool Optimize);

    /// <summary>One index stage's figures.</summary>
    private sealed record IndexFigures(string Engine, double WallSeconds, double CpuSeconds, long Chars, long BytesAfterCommit,
        int SegmentsAfterCommit, long PeakWorkingSet, long StartWorkingSet, double GcPauseSeconds, int Gen2Collections, long AllocatedBytes)
    {
        public double CharsPerWallSecond => Chars / WallSeconds;
        public double CharsPerCpuSecond => Chars / CpuSeconds;
        public long BytesAfterMerge { get; set; } = -1;
    }

    /// <summary>One engine's search side: a search function returning total hits, and its samples.</summary>
    private sealed class SearchSide(string engine, Func<string, long> search, int queries, int passes)
    {
        public string Engine { get; } = engine;
        public Func<string, long> Search { get; } = search;
        public double[][] Wall { get; } = Enumerable.Range(0, queries).Select(_ => new double[passes]).ToArray();
        public double[][] Cpu { get; } = Enumerable.Range(0, queries).Select(_ => new double[passes]).ToArray();
        public long[] Hits { get; } = new long[queries];
        public double WallSeconds { get; set; }
        public double CpuSeconds { get; set; }
        public int Searches => Wall.Sum(w => w.Length);
        public double QpsWall => Searches / WallSeconds;
        public double QpsCpu => Searches / CpuSeconds;
        public double[] AllWall => Wall.SelectMany(x => x).Order().ToArray();
        public double[] AllCpu => Cpu.SelectMany(x => x).Order().ToArray();
        public double P(int query, int p, bool cpu) => BenchShared.Percentile((cpu ? Cpu : Wall)[query].Order().ToArray(), p);
    }

    private static int Run(CliGlobals globals, ParseResult r, Settings s)
    {
        if (!File.Exists(s.Corpus)) throw new CliException($"corpus not found: {s.Corpus}");
        string data = s.Keep is { } k ? Path.GetFullPath(k) : Path.Combine(Path.GetTempPath(), "newssearch-bench-compare-" + Environment.ProcessId);
        // Never wipe a folder we did not make: --keep must name a new or empty folder.
        if (s.Keep is not null && Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
            throw new CliException($"--keep {data}: the folder exists and is not empty; name a new one");
        if (s.Keep is null && Directory.Exists(data)) Directory.Delete(data, true);
        Directory.CreateDirectory(data);
        var loadClock = Stopwatch.StartNew();
        var analysis = IndexCommands.LoadAnalysis(globals, r);
        Console.WriteLine($"analysis {analysis.Signature} loaded in {loadClock.Elapsed.TotalSeconds:F2} s; bench data folder {data}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, load average {LoadAverage()}; " +
            "wall = elapsed time (includes waiting for a shared CPU), CPU = CPU time of the process (index) or of the searching thread (search)");
        var managers = new List<IndexManager>();
        var leases = new List<SnapshotLease>();
        StockLuceneBaseline? baseline = null;
        try
        {
            using var store = new ArticleStore(data);
            var (docs, chars, storeSeconds) = FillStore(store, s);
            Console.WriteLine($"{docs:N0} articles, {chars / 1e6:F1} M chars; store (read once, shared by all three): {storeSeconds:F1} s");

            var figures = new List<IndexFigures>();
            foreach (var name in new[] { EngineNames.Native, EngineNames.Lucene })
            {
                var engine = CliGlobals.EngineNamed(name);
                var options = new IndexManagerOptions
                {
                    BackgroundMerges = false, // one thread: merges run inline after commits
                    RamBufferBytes = (long)s.RamMb << 20,
                    CommitEveryChanges = 1_000_000, // the RAM buffer decides segment sizes
                    CatchUpOnOpen = false,
                };
                IndexManager? manager = null;
                var f = MeasureStage(name, chars, () =>
                {
                    manager = IndexManager.Open(Path.Combine(data, "index-" + name), store, engine, analysis.IndexAnalyzer,
                        analysis.Signature.ToString(), options);
                    managers.Add(manager);
                    manager.CatchUp();
                    var stats = manager.GetStats();
                    return (stats.TotalBytes, stats.Segments.Count);
                });
                figures.Add(f);
                PrintIndexFigures(f, $"{engine.Name} ({engine.Format}), {s.RamMb} MB RAM buffer, serial merges");
                if (s.Optimize)
                {
                    var merge = Stopwatch.StartNew();
                    manager!.ForceMerge();
                    f.BytesAfterMerge = manager.GetStats().TotalBytes;
                    Console.WriteLine($"  force merge: {merge.Elapsed.TotalSeconds:F1} s, {IndexCommands.Mb(f.BytesAfterMerge)} in 1 segment");
                }
            }

            var stockFigures = MeasureStage(Stock, chars, () =>
            {
                baseline = new StockLuceneBaseline(Path.Combine(data, "index-stock"));
                foreach (var a in store.ReadAll())
                    baseline.Add(a.Article.Id, a.Article.Title, a.Article.Body,
                        a.Article.PublishedAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "");
                baseline.Commit();
                return (baseline.IndexBytes, -1);
            });
            figures.Add(stockFigures);
            PrintIndexFigures(stockFigures, $"stock Lucene.Net + SmartChineseAnalyzer (reference baseline: text stored, {StockLuceneBaseline.RamBufferMB} MB RAM buffer, TieredMergePolicy, serial merges)");
            if (s.Optimize)
            {
                var merge = Stopwatch.StartNew();
                baseline!.ForceMerge();
                stockFigures.BytesAfterMerge = baseline.IndexBytes;
                Console.WriteLine($"  force merge: {merge.Elapsed.TotalSeconds:F1} s, {IndexCommands.Mb(stockFigures.BytesAfterMerge)} in 1 segment");
            }
            baseline!.OpenSearcher();

            // Search: our engines parse + search as a request ranks; the baseline parses with MultiFieldQueryParser (OR).
            var searcher = new NewsSearcher(analysis);
            var parser = searcher.Parser;
            const int top = 10;
            foreach (var m in managers) leases.Add(m.AcquireSnapshot());
            var sides = new List<SearchSide>();
            foreach (var lease in leases)
            {
                var snapshot = lease.Snapshot;
                sides.Add(new SearchSide(snapshot.Engine, q => NewsSearcher.Rank(snapshot, parser.ParseWithFallback(q), top).Result.TotalHits,
                    s.Queries.Count, s.Passes));
            }
            var stock = baseline;
            sides.Add(new SearchSide(Stock, q => stock.Search(q, top).TotalHits, s.Queries.Count, s.Passes));
            foreach (var side in sides)
                for (int i = 0; i < s.Queries.Count; i++)
                {
                    try { side.Hits[i] = side.Search(s.Queries[i]); }
                    catch (Exception e) when (e is QueryParseException or global::Lucene.Net.QueryParsers.Classic.ParseException)
                    {
                        throw new CliException($"{side.Engine}: query {i + 1} '{s.Queries[i]}': {e.Message}");
                    }
                }
            Console.WriteLine($"\nsearch: {s.Queries.Count} queries, at least {s.Warmup} warm-up passes per engine until the JIT is quiet, {s.Passes} timed passes " +
                $"(engines interleaved per pass), top {top}; segments: " +
                string.Join(", ", leases.Select(l => $"{l.Snapshot.Engine} {l.Snapshot.GetStats(l.VersionFolder).Segments.Count}")) +
                $", stock {baseline.SegmentCount}");
            RunSearches(sides, s);
            PrintSearchFigures(sides, s.Queries);

            // Issue 9's variants on our two engines (the baseline has no filters, facets or sorts in its setup).
            var variants = new Dictionary<string, List<BenchShared.VariantFigures>>();
            foreach (var lease in leases)
            {
                Console.WriteLine();
                variants[lease.Snapshot.Engine] = BenchShared.RunSearchVariants(lease.Snapshot, parser, s.Queries, top, s.Passes, $"{lease.Snapshot.Engine}: ", s.Warmup);
            }

            PrintRatios(figures, sides, variants);
            using var self = Process.GetCurrentProcess();
            Console.WriteLine($"\npeak working set (whole run): {IndexCommands.Mb(self.PeakWorkingSet64)}; load average now {LoadAverage()}");
        }
        finally
        {
            foreach (var l in leases) l.Dispose();
            foreach (var m in managers) m.Dispose();
            baseline?.Dispose();
            if (s.Keep is null) { try { Directory.Delete(data, true); } catch (IOException) { } }
            else Console.WriteLine($"kept {data}");
        }
        return 0;
    }

    private static (long Docs, long Chars, double Seconds) FillStore(ArticleStore store, Settings s)
    {
        long chars = 0, docs = 0;
        var sw = Stopwatch.StartNew();
        var batch = new List<Article>(1000);
        foreach (var line in File.ReadLines(s.Corpus))
        {
            if (docs >= s.Limit) break;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var a = BenchShared.ParseCorpusLine(s.Corpus, line);
            chars += a.Title.Length + a.Body.Length;
            docs++;
            batch.Add(a);
            if (batch.Count == 1000) { store.UpsertMany(batch); batch.Clear(); }
        }
        if (batch.Count > 0) store.UpsertMany(batch);
        return (docs, chars, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Times one index stage (wall and process CPU) and samples the working set while it runs.</summary>
    private static IndexFigures MeasureStage(string engine, long chars, Func<(long Bytes, int Segments)> stage)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long start = Environment.WorkingSet, peak = start;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Environment.WorkingSet);
                stop.Token.WaitHandle.WaitOne(100);
            }
        }) { IsBackground = true, Name = "working-set sampler" };
        sampler.Start();
        var gcPause = GC.GetTotalPauseDuration();
        int gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var (bytes, segments) = stage();
        double wall = sw.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        stop.Cancel();
        sampler.Join();
        peak = Math.Max(peak, Environment.WorkingSet);
        return new IndexFigures(engine, wall, cpuSeconds, chars, bytes, segments, peak, start,
            (GC.GetTotalPauseDuration() - gcPause).TotalSeconds, GC.CollectionCount(2) - gen2, GC.GetTotalAllocatedBytes() - allocated);
    }

    private static void PrintIndexFigures(IndexFigures f, string what)
    {
        string segments = f.SegmentsAfterCommit >= 0 ? $" in {f.SegmentsAfterCommit} segments" : "";
        Console.WriteLine($"\nindex {f.Engine}: {what}");
        Console.WriteLine($"  wall {f.WallSeconds:F1} s => {f.CharsPerWallSecond / 1e6:F2} M chars/s; CPU {f.CpuSeconds:F1} s => {f.CharsPerCpuSecond / 1e6:F2} M chars/CPU-s");
        Console.WriteLine($"  size after commit {IndexCommands.Mb(f.BytesAfterCommit)}{segments}; peak working set {IndexCommands.Mb(f.PeakWorkingSet)} " +
            $"(at stage start {IndexCommands.Mb(f.StartWorkingSet)})");
        Console.WriteLine($"  GC: {f.AllocatedBytes / 1e9:F1} GB allocated, {f.Gen2Collections} gen2 collections, {f.GcPauseSeconds:F1} s paused");
    }

    /// <summary>Warm-up per engine, then each timed pass runs every query on every engine in turn.</summary>
    private static void RunSearches(List<SearchSide> sides, Settings s)
    {
        foreach (var side in sides)
        {
            var warmUp = BenchShared.WarmUp(() =>
            {
                foreach (var q in s.Queries) side.Search(q);
            }, s.Warmup);
            Console.WriteLine($"{side.Engine,-7} {BenchShared.Describe(warmUp)}");
        }
        for (int p = 0; p < s.Passes; p++)
        {
            // Rotate who goes first, so no engine always follows the same one.
            for (int k = 0; k < sides.Count; k++)
            {
                var side = sides[(p + k) % sides.Count];
                long c0 = ThreadCpu.Nanoseconds();
                long w0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < s.Queries.Count; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    long tc = ThreadCpu.Nanoseconds();
                    side.Hits[i] = side.Search(s.Queries[i]);
                    side.Cpu[i][p] = (ThreadCpu.Nanoseconds() - tc) / 1e6;
                    side.Wall[i][p] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
                side.WallSeconds += Stopwatch.GetElapsedTime(w0).TotalSeconds;
                side.CpuSeconds += (ThreadCpu.Nanoseconds() - c0) / 1e9;
            }
        }
    }

    private static void PrintSearchFigures(List<SearchSide> sides, List<string> queries)
    {
        foreach (var side in sides)
        {
            var w = side.AllWall;
            var c = side.AllCpu;
            Console.WriteLine($"{side.Engine,-7} parse+search: wall {side.QpsWall:F0} QPS, p50 {P(w, 50):F3} / p95 {P(w, 95):F3} / p99 {P(w, 99):F3} ms; " +
                $"CPU {side.QpsCpu:F0} searches/CPU-s, p50 {P(c, 50):F3} / p95 {P(c, 95):F3} / p99 {P(c, 99):F3} ms ({side.Searches} searches)");
        }
        var n = sides[0];
        var st = sides[^1];
        Console.WriteLine("\nper query (wall p50/p95 ms; hits; native/stock p95 in wall and CPU time)");
        Console.WriteLine(string.Concat(sides.Select(x => $"{x.Engine + " p50/p95",-20}")) + string.Concat(sides.Select(x => $"{x.Engine + " hits",13}")) +
            $"{"N/S wall",10}{"N/S CPU",9}  query");
        for (int i = 0; i < queries.Count; i++)
        {
            string times = string.Concat(sides.Select(x => $"{$"{x.P(i, 50, false):F2}/{x.P(i, 95, false):F2}",-20}"));
            string hits = string.Concat(sides.Select(x => $"{x.Hits[i],13:N0}"));
            double rw = n.P(i, 95, false) / st.P(i, 95, false), rc = n.P(i, 95, true) / st.P(i, 95, true);
            Console.WriteLine($"{times}{hits}{rw,10:F2}{rc,9:F2}  {queries[i]}");
        }
    }

    private static double P(double[] sorted, int p) => BenchShared.Percentile(sorted, p);

    private static void PrintRatios(List<IndexFigures> index, List<SearchSide> sides, Dictionary<string, List<BenchShared.VariantFigures>> variants)
    {
        var ni = index.Single(f => f.Engine == Native);
        var li = index.Single(f => f.Engine == Lucene);
        var si = index.Single(f => f.Engine == Stock);
        var ns = sides.Single(x => x.Engine == Native);
        var ls = sides.Single(x => x.Engine == Lucene);
        var ss = sides.Single(x => x.Engine == Stock);
        Console.WriteLine("\nratios (issue 8 done-when; wall = elapsed, CPU = CPU time)");
        void Line(string what, double wall, double cpu, string target) =>
            Console.WriteLine($"  {what,-48} wall {wall,6:F2}   CPU {cpu,6:F2}   target {target}");
        Line("native / lucene indexing (chars/s)", ni.CharsPerWallSecond / li.CharsPerWallSecond, ni.CharsPerCpuSecond / li.CharsPerCpuSecond, "≥ 3");
        Line("native / lucene QPS", ns.QpsWall / ls.QpsWall, ns.QpsCpu / ls.QpsCpu, "≥ 1.25");
        Line("lucene / stock indexing (chars/s)", li.CharsPerWallSecond / si.CharsPerWallSecond, li.CharsPerCpuSecond / si.CharsPerCpuSecond, "≥ 1.2");
        Line("lucene / stock QPS", ls.QpsWall / ss.QpsWall, ls.QpsCpu / ss.QpsCpu, "≥ 1.0");
        Line("native / stock QPS", ns.QpsWall / ss.QpsWall, ns.QpsCpu / ss.QpsCpu, "(info)");
        Line("native p95 / stock p95, all searches", P(ns.AllWall, 95) / P(ss.AllWall, 95), P(ns.AllCpu, 95) / P(ss.AllCpu, 95), "≤ 1 is faster");
        int q = ns.Hits.Length;
        int atMostWall = Enumerable.Range(0, q).Count(i => ns.P(i, 95, false) <= ss.P(i, 95, false));
        int atMostCpu = Enumerable.Range(0, q).Count(i => ns.P(i, 95, true) <= ss.P(i, 95, true));
        Console.WriteLine($"  {"queries with native p95 / stock p95 ≤ 1.0",-48} wall {atMostWall,3} of {q}   CPU {atMostCpu,3} of {q}");
        if (variants.TryGetValue(Native, out var nv))
        {
            var plain = nv.Single(v => v.Name == BenchShared.PlainVariant);
            foreach (var v in nv.Where(v => v != plain))
                Console.WriteLine($"  native {v.Name} p95 / plain p95 (wall, same request shape): {v.P95 / plain.P95:F2}; " +
                    $"CPU per search {v.CpuMsPerSearch / plain.CpuMsPerSearch:F2}");
        }
        if (ns.Hits.SequenceEqual(ls.Hits)) Console.WriteLine($"  native and lucene total hits identical on all {q} queries");
        else Console.WriteLine($"  native and lucene total hits differ on {Enumerable.Range(0, q).Count(i => ns.Hits[i] != ls.Hits[i])} of {q} queries");
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    /// <summary>CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID, nanoseconds); elsewhere, the process's.</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static long Nanoseconds()
        {
            if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
                return t.Seconds * 1_000_000_000 + t.Nanoseconds;
            return (long)(Process.GetCurrentProcess().TotalProcessorTime.Ticks * 100);
        }
    }
}
