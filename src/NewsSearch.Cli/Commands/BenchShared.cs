using System.Diagnostics;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;

namespace NewsSearch.Cli.Commands;

/// <summary>What the bench commands share: corpus lines, query files, percentiles, the search variants.</summary>
public static class BenchShared
{
    /// <summary>The p-th percentile (nearest rank) of sorted samples.</summary>
    public static double Percentile(double[] sorted, int p)
    {
        if (sorted.Length == 0) return 0;
        int i = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(i, 0, sorted.Length - 1)];
    }

    /// <summary>One bench-corpus JSON line {id,title,body,date} as an article; a bad line is a one-line error.</summary>
    public static Article ParseCorpusLine(string path, string line)
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

    /// <summary>The queries of a bench query file: one per line, blank lines and # comments skipped.</summary>
    public static List<string> ReadQueries(string file)
    {
        if (!File.Exists(file)) throw new CliException($"Query file not found: {file}");
        var lines = File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count == 0) throw new CliException($"No queries in {file}");
        return lines;
    }

    /// <summary>How long the JIT must compile nothing before the warm-up counts as settled.</summary>
    public static readonly TimeSpan QuietJit = TimeSpan.FromSeconds(1);

    /// <summary>The longest one warm-up runs (then it stops unsettled, and says so).</summary>
    public static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Untimed passes until the code under test has settled: at least <paramref name="minPasses"/> (none when 0),
    /// then on until no method has been compiled for <see cref="QuietJit"/>, for at most <see cref="MaxWarmUp"/>.
    /// Tiered compilation keeps recompiling hot methods in the background for a while after their first 30 calls
    /// (with dynamic PGO, twice); a fixed count of passes could end before that, and the timed passes then measured
    /// the JIT instead of the engine (seen: 30 passes of 4 queries left a p95 of 10 ms on a query that settles at
    /// 0.7 ms). Returns the passes run and whether the JIT had gone quiet.
    /// </summary>
    public static (int Passes, bool Settled) WarmUp(Action pass, int minPasses)
    {
        if (minPasses <= 0) return (0, false);
        var clock = Stopwatch.StartNew();
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quiet = Stopwatch.StartNew();
        for (int passes = 1; ; passes++)
        {
            pass();
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled) { compiled = now; quiet.Restart(); }
            if (passes >= minPasses && quiet.Elapsed >= QuietJit) return (passes, true);
            if (clock.Elapsed >= MaxWarmUp) return (passes, false);
        }
    }

    /// <summary>A warm-up's outcome in a few words, for the bench's report.</summary>
    public static string Describe((int Passes, bool Settled) warmUp) =>
        warmUp.Passes == 0 ? "no warm-up" : $"{warmUp.Passes} warm-up passes" + (warmUp.Settled ? "" : $" (JIT still compiling after {MaxWarmUp.TotalSeconds:F0} s)");

    /// <summary>The variant without filter, facets or sort (the same request shape as the others: parse, one search).</summary>
    public const string PlainVariant = "plain (no fallback, no rescore)";

    public sealed record VariantFigures(string Name, double P50, double P95, double P99, double CpuMsPerSearch, int Searches);

    /// <summary>
    /// The bench queries plain, with a date filter (2020), with every facet counted, sorted by newest (issue 9's
    /// variants) and counted only (no hits: the unscored counting pass): a <see cref="WarmUp"/> of at least
    /// <paramref name="warmup"/> passes, then max(1, passes / 4) timed passes each; prints one line per variant.
    /// </summary>
    public static List<VariantFigures> RunSearchVariants(IEngineSnapshot snapshot, QueryParser parser, IReadOnlyList<string> queries,
        int top, int passes, string label = "", int warmup = 1)
    {
        var lastYear = new SearchRequest("x") { From = new DateOnly(2020, 1, 1), To = new DateOnly(2020, 12, 31) };
        var variants = new (string Name, Func<Query, EngineSearchRequest> Make)[]
        {
            (PlainVariant, q => new EngineSearchRequest(q, top)),
            ("date filter (2020)", q => new EngineSearchRequest(q, top) { Filter = SearchFilters.Build(lastYear) }),
            ("facets month,author,section", q => new EngineSearchRequest(q, top) { Facets = FacetFields.Month | FacetFields.Author | FacetFields.Section }),
            ("sort newest", q => new EngineSearchRequest(q, top) { Order = HitOrder.Newest }),
            ("count only (no hits)", q => new EngineSearchRequest(q, 0)),
        };
        var figures = new List<VariantFigures>();
        foreach (var (name, make) in variants)
        {
            var warmUp = WarmUp(() =>
            {
                for (int i = 0; i < queries.Count; i++) snapshot.Search(make(parser.Parse(queries[i])));
            }, warmup);
            int variantPasses = Math.Max(1, passes / 4);
            var times = new List<double>(variantPasses * queries.Count);
            var variantCpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (int p = 0; p < variantPasses; p++)
                for (int i = 0; i < queries.Count; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    snapshot.Search(make(parser.Parse(queries[i])));
                    times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            variantCpu = Process.GetCurrentProcess().TotalProcessorTime - variantCpu;
            var sorted = times.Order().ToArray();
            var f = new VariantFigures(name, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99),
                variantCpu.TotalMilliseconds / sorted.Length, sorted.Length);
            figures.Add(f);
            Console.WriteLine($"{label}parse+search, {name}: p50 {f.P50:F3} ms, p95 {f.P95:F3} ms, p99 {f.P99:F3} ms, " +
                $"CPU {f.CpuMsPerSearch:F3} ms per search ({f.Searches} searches; {Describe(warmUp)})");
        }
        return figures;
    }
}
