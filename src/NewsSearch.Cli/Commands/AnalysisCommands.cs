using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NewsSearch.Core;
using NewsSearch.Core.Analysis;
using Spectre.Console;

namespace NewsSearch.Cli.Commands;

public static class AnalysisCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // show CJK as CJK
    };

    /// <summary>
    /// Loads the analysis the way every command should: --dict, --user-dict (or {data}/userdict.txt), cache in {data}.
    /// A missing dictionary becomes a user error that says how to install it.
    /// </summary>
    public static NewsAnalysis LoadAnalysis(CliGlobals globals, ParseResult r)
    {
        var options = AnalysisOptions.ForDataFolder(globals.DataFolder(r), r.GetValue(globals.Dictionary), r.GetValue(globals.UserDictionary))
            with { WordAnalysis = globals.FolderInfo(r).Analysis };
        return Load(options);
    }

    public static NewsAnalysis Load(AnalysisOptions options)
    {
        try { return NewsAnalysis.Load(options); }
        catch (AnalysisLoadException e) { throw new CliException(e.Message); }
    }

    public static IEnumerable<Command> Create(CliGlobals globals)
    {
        var analyze = new Command("analyze", "Show the tokens (offsets, positions, types) each text field makes of a text");
        var text = new Argument<string>("text") { Description = "Text to analyze" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables" };
        var query = new Option<bool>("--query") { Description = "Also show the query-time chains" };
        analyze.Arguments.Add(text);
        analyze.Options.Add(json);
        analyze.Options.Add(query);
        analyze.SetAction(r =>
        {
            var analysis = LoadAnalysis(globals, r); // the folder's recorded word analysis, or the global --analysis for a new one
            string input = r.GetValue(text) ?? "";
            bool asJson = r.GetValue(json);
            var fields = analysis.Explain(input, includeQueryChains: r.GetValue(query) || asJson);
            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { text = input, signature = analysis.Signature.ToString(), fields }, Json));
                return 0;
            }
            AnsiConsole.MarkupLine($"[grey]analysis {Markup.Escape(analysis.Signature.ToString())}, loaded in {analysis.LoadMilliseconds:F0} ms ({Markup.Escape(analysis.LoadBreakdown)})[/]");
            foreach (var f in fields)
            {
                var table = new Table().Title($"{Markup.Escape(f.Field)} ({f.Chain}: {Markup.Escape(f.Analyzer)})");
                foreach (var h in new[] { "term", "start", "end", "position", "length", "type" }) table.AddColumn(h);
                foreach (var t in f.Tokens)
                    table.AddRow(Markup.Escape(t.Term), t.StartOffset.ToString(), t.EndOffset.ToString(), t.Position.ToString(),
                        t.PositionLength.ToString(), t.Type);
                AnsiConsole.Write(table);
            }
            return 0;
        });
        return [analyze];
    }

    public static IEnumerable<Command> CreateBench(CliGlobals globals)
    {
        var bench = new Command("analyze", "Segmentation throughput (M chars/s, one thread), allocations and dictionary load times");
        var corpus = new Option<string>("--corpus") { Description = "JSONL corpus (id,title,body,date), e.g. from gen_corpus.py", Required = true };
        var limit = new Option<int>("--limit") { Description = "At most this many articles (0 = all)", DefaultValueFactory = _ => 0 };
        var passes = new Option<int>("--passes") { Description = "Timed passes over the corpus (best is reported)", DefaultValueFactory = _ => 3 };
        bench.Options.Add(corpus);
        bench.Options.Add(limit);
        bench.Options.Add(passes);
        bench.SetAction(r => RunBench(globals, r, r.GetValue(corpus)!, r.GetValue(limit), Math.Max(1, r.GetValue(passes)),
            r.GetValue(globals.Analysis) ?? WordAnalysisNames.Jieba)); // global --analysis: which segmenter to measure
        return [bench];
    }

    private static int RunBench(CliGlobals globals, ParseResult r, string corpusPath, int limit, int passes, string wordAnalysis)
    {
        if (!File.Exists(corpusPath)) throw new CliException($"corpus not found: {corpusPath}");
        var texts = new List<string>();
        long chars = 0;
        foreach (var line in File.ReadLines(corpusPath))
        {
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                foreach (var name in new[] { "title", "body" })
                    if (doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
                    {
                        var s = v.GetString()!;
                        texts.Add(s);
                        chars += s.Length;
                    }
            }
            catch (JsonException e) { throw new CliException($"{corpusPath}: bad JSON line: {e.Message}"); }
            if (limit > 0 && texts.Count >= 2 * limit) break;
        }
        Console.WriteLine($"corpus: {texts.Count / 2:N0} articles, {chars:N0} chars (titles + bodies)");

        // Load times: cold = parse dict.txt + HMM tables and write the cache; cached = read the compiled cache.
        var baseOptions = AnalysisOptions.ForDataFolder(globals.DataFolder(r), r.GetValue(globals.Dictionary), r.GetValue(globals.UserDictionary))
            with { WordAnalysis = wordAnalysis };
        string tmpCache = Path.Combine(Path.GetTempPath(), "newssearch-bench-cache-" + Environment.ProcessId);
        NewsAnalysis analysis;
        try
        {
            var cold = Load(baseOptions with { CacheDirectory = tmpCache });
            double cached = double.MaxValue;
            for (int i = 0; i < 3; i++) cached = Math.Min(cached, Load(baseOptions with { CacheDirectory = tmpCache }).LoadMilliseconds);
            var noCache = Load(baseOptions with { CacheDirectory = null });
            Console.WriteLine($"dictionary load: cold (compile + write cache) {cold.LoadMilliseconds:F0} ms, " +
                              $"cached {cached:F0} ms (best of 3), no cache {noCache.LoadMilliseconds:F0} ms; " +
                              $"{cold.DictionaryNodeCount:N0} trie nodes; signature {cold.Signature}");
            analysis = noCache;
        }
        finally
        {
            try { Directory.Delete(tmpCache, true); } catch (IOException) { }
        }

        var segmenter = analysis.CreateWordSegmenter();
        Measure(analysis.WordAnalysis == WordAnalysisNames.Jieba ? "segmenter (raw jieba cut, HMM)" : $"segmenter (raw {analysis.WordAnalysis})",
            texts, chars, passes, t => segmenter.Segment(t));

        var words = analysis.IndexAnalyzer(NewsFields.Body).CreateTokenStream();
        var grams = analysis.IndexAnalyzer(NewsFields.BodyGrams).CreateTokenStream();
        var wordsQuery = analysis.QueryAnalyzer(NewsFields.Body).CreateTokenStream();
        Measure(analysis.WordAnalysis == WordAnalysisNames.Jieba ? "word field, index chain (normalize + segment + sub-words)"
            : $"word field, index chain (normalize + {analysis.WordAnalysis})", texts, chars, passes, t => Drain(words, t));
        Measure("gram field, index chain (normalize + bigrams)", texts, chars, passes, t => Drain(grams, t));
        Measure("word field, query chain", texts, chars, passes, t => Drain(wordsQuery, t));
        return 0;
    }

    private static int Drain(TokenStream ts, string text)
    {
        ts.SetText(text);
        int n = 0;
        while (ts.IncrementToken()) n++;
        return n;
    }

    private static void Measure(string what, List<string> texts, long chars, int passes, Func<string, int> run)
    {
        // Warm-up pass: JIT and buffer growth are not part of the steady state.
        long tokens = 0;
        foreach (var t in texts) tokens += run(t);
        double best = double.MaxValue, bestCpu = double.MaxValue;
        long allocated = long.MaxValue;
        using var self = Process.GetCurrentProcess();
        for (int p = 0; p < passes; p++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            foreach (var t in texts) run(t);
            sw.Stop();
            self.Refresh();
            bestCpu = Math.Min(bestCpu, (self.TotalProcessorTime - cpu0).TotalSeconds);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        double textBytes = chars * 2.0; // the strings in memory (UTF-16)
        // On a shared machine wall time includes waiting for a core; CPU time is what the work itself costs.
        Console.WriteLine($"{what}: {chars / best / 1e6:F2} M chars/s wall, {chars / Math.Max(bestCpu, 1e-9) / 1e6:F2} M chars/s CPU, " +
                          $"{tokens / best / 1e6:F2} M tokens/s wall ({tokens:N0} tokens, best of {passes}: {best:F2} s wall, " +
                          $"{bestCpu:F2} s CPU); allocated {allocated:N0} B = {100.0 * allocated / textBytes:F4}% of the text's UTF-16 size");
    }
}
