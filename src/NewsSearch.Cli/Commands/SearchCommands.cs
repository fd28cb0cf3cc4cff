using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using NewsSearch.Core.Highlight;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;
using Spectre.Console;

namespace NewsSearch.Cli.Commands;

public static partial class SearchCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IEnumerable<Command> Create(CliGlobals globals)
    {
        var search = new Command("search", "Search the index: ranked articles with highlighted snippets");
        var query = new Argument<string>("query") { Description = "Query in Lucene syntax: words (ANDed), \"phrases\", +a -b, OR, NOT, (…), title: body: author: section: date:, ^boost" };
        var page = new Option<int>("--page") { Description = "Page, from 1", DefaultValueFactory = _ => 1 };
        var pageSize = new Option<int>("--page-size") { Description = $"Hits per page (1–{SearchRequest.MaxPageSize})", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON response" };
        var explain = new Option<bool>("--explain") { Description = "Also print the analyzed query and each hit's score breakdown" };
        var from = new Option<string?>("--from") { Description = "Only articles published on or after this day (yyyy-MM-dd)" };
        var to = new Option<string?>("--to") { Description = "Only articles published on or before this day (yyyy-MM-dd)" };
        var author = new Option<string?>("--author") { Description = "Only articles by this author (exact name)" };
        var section = new Option<string?>("--section") { Description = "Only articles of this section (exact name)" };
        var kind = new Option<string?>("--kind") { Description = "Only articles of this kind: article, continuation, notice" };
        var sort = new Option<string?>("--sort") { Description = "relevance (default), newest or oldest; ties by article id" };
        var facets = new Option<string?>("--facets") { Description = "Count matches by month, author, section (comma-separated)" };
        foreach (var o in new Option[] { from, to, author, section, kind, sort, facets }) search.Options.Add(o);
        var recency = new Option<double?>("--recency") { Description = "Recency boost half-life in days (score × (1 + 2^(−age / half-life)))" };
        var fragmentSize = new Option<int?>("--fragment-size") { Description = "Snippet length in characters (20–1000, default 120)" };
        search.Arguments.Add(query);
        search.Options.Add(recency);
        search.Options.Add(fragmentSize);
        search.Options.Add(page);
        search.Options.Add(pageSize);
        search.Options.Add(json);
        search.Options.Add(explain);
        search.SetAction(r =>
        {
            SearchRequest request;
            try
            {
                request = new SearchRequest(r.GetValue(query) ?? "", r.GetValue(page), r.GetValue(pageSize))
                {
                    From = SearchFilters.ParseDay(r.GetValue(from), "--from"),
                    To = SearchFilters.ParseDay(r.GetValue(to), "--to"),
                    Author = r.GetValue(author),
                    Section = r.GetValue(section),
                    Kind = r.GetValue(kind),
                    Sort = SearchFilters.ParseSort(r.GetValue(sort)),
                    Facets = SearchFilters.ParseFacets(r.GetValue(facets)),
                    Explain = r.GetValue(explain),
                    Recency = r.GetValue(recency),
                    FragmentSize = r.GetValue(fragmentSize),
                };
                SearchFilters.Validate(request);
            }
            catch (ArgumentException e) { throw new CliException(e.Message); }
            using var session = SearchSession.Open(globals, r);
            var response = Run(() => session.Searcher.Search(session.Snapshot, session.Store, request), request.Query);
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(response, Json));
                return 0;
            }
            if (r.GetValue(explain))
                AnsiConsole.MarkupLine($"[grey]query: {Markup.Escape(response.AnalyzedQuery ?? "")}[/]");
            PrintResponse(response);
            return 0;
        });
        return [search];
    }

    public static IEnumerable<Command> CreateBench(CliGlobals globals)
    {
        var bench = new Command("search", "Query latency and throughput (parse + search, top 10), loading and highlighting cost");
        var queries = new Option<string>("--queries") { Description = "File with one query per line (e.g. ../shared/bench/queries.txt)", Required = true };
        // At least this many untimed passes, then more until the JIT goes quiet (BenchShared.WarmUp), so the figures
        // are the steady state a long-running server sees.
        var warmup = new Option<int>("--warmup") { Description = "Untimed passes over all queries at least (each variant too), then on until the JIT has compiled nothing for 1 s (at most 60 s); 0: none", DefaultValueFactory = _ => 30 };
        var passes = new Option<int>("--passes") { Description = "Timed passes over all queries", DefaultValueFactory = _ => 20 };
        var top = new Option<int>("--top") { Description = "Hits collected per query", DefaultValueFactory = _ => 10 };
        bench.Options.Add(queries);
        bench.Options.Add(warmup);
        bench.Options.Add(passes);
        bench.Options.Add(top);
        bench.SetAction(r =>
        {
            var lines = BenchShared.ReadQueries(r.GetValue(queries)!);
            using var session = SearchSession.Open(globals, r);
            RunBench(session, lines, Math.Max(0, r.GetValue(warmup)), Math.Max(1, r.GetValue(passes)), Math.Clamp(r.GetValue(top), 1, 1000));
            return 0;
        });
        return [bench];
    }

    private static SearchResponse Run(Func<SearchResponse> search, string query)
    {
        try { return search(); }
        catch (QueryParseException e)
        {
            string caret = e.Position >= 0 ? $"\n  {query}\n  {new string(' ', Math.Min(e.Position, query.Length))}^" : "";
            throw new CliException($"bad query: {e.Message}{caret}");
        }
        catch (ArgumentException e) { throw new CliException(e.Message); }
    }

    private static void PrintResponse(SearchResponse response)
    {
        AnsiConsole.MarkupLine($"[bold]{response.TotalHits}[/] hits for [bold]{Markup.Escape(response.Query)}[/] in {response.TookMs:F1} ms (page {response.Page})");
        if (response.Fallback is not null)
            AnsiConsole.MarkupLine($"[yellow]no article has all the words; showing articles with any of them ({response.Fallback})[/]");
        if (response.Partial)
            AnsiConsole.MarkupLine($"[yellow]partial results: {Markup.Escape(response.PartialReason ?? "")}[/]");
        int rank = (response.Page - 1) * response.PageSize;
        foreach (var hit in response.Hits)
        {
            rank++;
            string meta = string.Join(" · ", new[] { hit.PublishedAt?.ToString("yyyy-MM-dd"), hit.Section, string.Join("、", hit.Authors) }
                .Where(s => !string.IsNullOrEmpty(s)));
            AnsiConsole.MarkupLine($"\n[grey]{rank}.[/] {ToMarkup(hit.Highlights.Title)}  [grey]{Markup.Escape(hit.Id)}  {hit.Score:F3}[/]");
            if (meta.Length > 0) AnsiConsole.MarkupLine($"   [grey]{Markup.Escape(meta)}[/]");
            foreach (var snippet in hit.Highlights.Body)
                AnsiConsole.MarkupLine($"   {ToMarkup(snippet.Replace('\n', ' '))}");
            if (hit.Explanation is { } e)
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(Indent(e.ToString(), "   "))}[/]");
        }
        if (response.Facets is { } facets)
            foreach (var (name, values) in facets)
                AnsiConsole.MarkupLine($"\n[bold]{name}[/]: " + Markup.Escape(string.Join("  ", values.Select(v => $"{v.Value} ({v.Count:N0})"))));
    }

    private static string Indent(string text, string prefix) =>
        string.Join('\n', text.TrimEnd('\n').Split('\n').Select(l => prefix + l));

    /// <summary>Highlight HTML (escaped text + &lt;mark&gt;) as terminal markup.</summary>
    private static string ToMarkup(string html)
    {
        var parts = MarkTag().Split(html);
        var sb = new System.Text.StringBuilder();
        bool inMark = false;
        foreach (var part in parts)
        {
            if (part == "<mark>") { inMark = true; continue; }
            if (part == "</mark>") { inMark = false; continue; }
            string text = Markup.Escape(WebUtility.HtmlDecode(part));
            sb.Append(inMark ? $"[bold yellow]{text}[/]" : text);
        }
        return sb.ToString();
    }

    [GeneratedRegex("(</?mark>)")]
    private static partial Regex MarkTag();

    private static void RunBench(SearchSession session, List<string> queries, int warmup, int passes, int top)
    {
        var snapshot = session.Snapshot;
        var parser = session.Searcher.Parser;
        Console.WriteLine($"snapshot: {snapshot.Engine} engine, {snapshot.NumDocs:N0} docs; " +
            $"{queries.Count} queries, at least {warmup} warm-up passes until the JIT is quiet + {passes} timed passes, top {top}");
        var parsed = new Query[queries.Count];
        for (int i = 0; i < queries.Count; i++)
        {
            try { parsed[i] = parser.Parse(queries[i]); }
            catch (QueryParseException e) { throw new CliException($"query {i + 1} '{queries[i]}': {e.Message}"); }
        }

        // Parse + search as a request ranks (OR fallback, proximity bonus over the top window); loading and
        // highlighting are measured separately below.
        long Run(string q) => NewsSearcher.Rank(snapshot, parser.ParseWithFallback(q), top).Result.TotalHits;
        var hits = new long[queries.Count];
        var warmUp = BenchShared.WarmUp(() =>
        {
            for (int i = 0; i < queries.Count; i++) hits[i] = Run(queries[i]);
        }, warmup);
        var samples = new double[queries.Count][];
        var allocated = new long[queries.Count];
        for (int i = 0; i < queries.Count; i++) samples[i] = new double[passes];
        long gcBefore = GC.CollectionCount(0);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        for (int p = 0; p < passes; p++)
        {
            for (int i = 0; i < queries.Count; i++)
            {
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = Stopwatch.GetTimestamp();
                hits[i] = Run(queries[i]);
                samples[i][p] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                allocated[i] += GC.GetAllocatedBytesForCurrentThread() - a0;
            }
        }
        total.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long gcs = GC.CollectionCount(0) - gcBefore;

        // Each query again with every facet counted (issue 9: every query's p95 within its target with facets on).
        const FacetFields allFacets = FacetFields.Month | FacetFields.Author | FacetFields.Section;
        void Faceted(int i) => snapshot.Search(new EngineSearchRequest(parser.Parse(queries[i]), top) { Facets = allFacets });
        BenchShared.WarmUp(() =>
        {
            for (int i = 0; i < queries.Count; i++) Faceted(i);
        }, warmup);
        var facetSamples = new double[queries.Count][];
        for (int i = 0; i < queries.Count; i++) facetSamples[i] = new double[passes];
        for (int p = 0; p < passes; p++)
            for (int i = 0; i < queries.Count; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Faceted(i);
                facetSamples[i][p] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }

        var table = new Table().AddColumn("query").AddColumn(new TableColumn("hits").RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned())
            .AddColumn(new TableColumn("KB alloc").RightAligned())
            .AddColumn(new TableColumn("facets p95 ms").RightAligned());
        for (int i = 0; i < queries.Count; i++)
        {
            var s = samples[i].OrderBy(x => x).ToArray();
            table.AddRow(Markup.Escape(queries[i]), hits[i].ToString("N0"), BenchShared.Percentile(s, 50).ToString("F3"), BenchShared.Percentile(s, 95).ToString("F3"),
                (allocated[i] / 1024.0 / passes).ToString("F1"),
                BenchShared.Percentile(facetSamples[i].Order().ToArray(), 95).ToString("F3"));
        }
        AnsiConsole.Write(table);
        var all = samples.SelectMany(x => x).OrderBy(x => x).ToArray();
        double qps = all.Length / total.Elapsed.TotalSeconds;
        Console.WriteLine($"parse+search: {qps:F0} QPS, p50 {BenchShared.Percentile(all, 50):F3} ms, p95 {BenchShared.Percentile(all, 95):F3} ms, " +
            $"p99 {BenchShared.Percentile(all, 99):F3} ms ({all.Length} searches, {gcs} gen0 GCs; {BenchShared.Describe(warmUp)})");
        // On a shared machine wall time includes waiting for the CPU; process CPU time does not.
        Console.WriteLine($"parse+search CPU time: {cpu.TotalMilliseconds / all.Length:F3} ms per search on average " +
            $"({all.Length / Math.Max(cpu.TotalSeconds, 1e-9):F0} searches per CPU-second)");

        // The same queries with a date filter, with every facet counted, and sorted by newest (issue 9's variants).
        BenchShared.RunSearchVariants(snapshot, parser, queries, top, passes, warmup: warmup);

        // Full request path: parse, search, load the page from the store, highlight title and body.
        var request = queries.Select(q => new SearchRequest(q, 1, Math.Min(top, SearchRequest.MaxPageSize))).ToArray();
        for (int p = 0; p < Math.Max(1, warmup / 3); p++)
            foreach (var rq in request) session.Searcher.Search(session.Snapshot, session.Store, rq);
        int fullPasses = Math.Max(1, passes / 4);
        var full = Stopwatch.StartNew();
        for (int p = 0; p < fullPasses; p++)
            foreach (var rq in request) session.Searcher.Search(session.Snapshot, session.Store, rq);
        full.Stop();
        Console.WriteLine($"full request (search + load {top} articles + highlight): {fullPasses * request.Length / full.Elapsed.TotalSeconds:F0} QPS");

        // Highlighting alone, per document, over the top hits of every query.
        var work = new List<(IReadOnlyList<HighlightTerm> Terms, Article Article)>();
        for (int i = 0; i < queries.Count; i++)
        {
            var ids = snapshot.Search(new EngineSearchRequest(parsed[i], top)).Hits.Select(h => h.Id).ToArray();
            var terms = HighlightTerms.Extract(parsed[i]);
            foreach (var a in session.Store.GetMany(ids).Values) work.Add((terms, a.Article));
        }
        if (work.Count > 0)
        {
            var hl = session.Searcher.Highlighter;
            foreach (var (terms, a) in work) { hl.HighlightAll(a.Title, terms, "title"); hl.BestFragments(a.Body, terms, "body"); }
            int hlPasses = Math.Max(1, passes / 4);
            var sw = Stopwatch.StartNew();
            for (int p = 0; p < hlPasses; p++)
                foreach (var (terms, a) in work) { hl.HighlightAll(a.Title, terms, "title"); hl.BestFragments(a.Body, terms, "body"); }
            sw.Stop();
            double avgChars = work.Average(w => w.Article.Body.Length + w.Article.Title.Length);
            Console.WriteLine($"highlighting: {sw.Elapsed.TotalMilliseconds / (hlPasses * work.Count):F3} ms per document " +
                $"(title + 3 body snippets, {avgChars:F0} chars avg, {work.Count} documents)");
        }
        Console.WriteLine("Lucene.Net reference (REFERENCE.md): 20k 1,020 QPS, p50 0.38 / p95 4.41 / p99 8.27 ms; " +
            "200k 291–343 QPS, p50 1.73 / p95 9.08 / p99 18.7 ms; highlighting 0.84–1.55 ms per document");
    }

    /// <summary>An open engine and one snapshot lease, for one command.</summary>
    private sealed class SearchSession : IDisposable
    {
        public required NewsSearcher Searcher { get; init; }
        public required ArticleStore Store { get; init; }
        public required IEngineSnapshot Snapshot { get; init; }
        public required IDisposable Owner { get; init; }

        public void Dispose() => Owner.Dispose();

        public static SearchSession Open(CliGlobals globals, ParseResult r)
        {
            var engine = ServeCommand.OpenEngineUnlessServed(globals, r);
            if (engine is null) return OpenReadOnly(globals, r);
            try
            {
                var lease = engine.Index.AcquireSnapshot();
                return new SearchSession
                {
                    Searcher = engine.Searcher, Store = engine.Store, Snapshot = lease.Snapshot,
                    Owner = new Releaser(lease, engine),
                };
            }
            catch
            {
                engine.Dispose();
                throw;
            }
        }

        /// <summary>
        /// While a server holds the index, search its newest commit read-only (the server keeps it caught up).
        /// Checksums are not re-verified here: the server verified these files when it opened or wrote them.
        /// </summary>
        private static SearchSession OpenReadOnly(CliGlobals globals, ParseResult r)
        {
            var analysis = AnalysisCommands.LoadAnalysis(globals, r);
            var (version, engine) = IndexCommands.CurrentVersion(globals, r);
            var store = new ArticleStore(globals.DataFolder(r));
            try
            {
                var synonyms = SynonymSource.OpenFile(Path.Combine(globals.DataFolder(r), SynonymSource.FileName));
                var snapshot = engine.OpenReadOnly(version, verifyChecksums: false)
                    ?? throw new CliException($"No commit in {version}.");
                return new SearchSession
                {
                    Searcher = new NewsSearcher(analysis, synonyms), Store = store, Snapshot = snapshot,
                    Owner = new Releaser(snapshot, store),
                };
            }
            catch (Exception e) when (ServeCommand.IsSetupError(e))
            {
                store.Dispose();
                throw new CliException(e.Message);
            }
        }

        private sealed class Releaser(IDisposable lease, IDisposable engine) : IDisposable
        {
            public void Dispose()
            {
                lease.Dispose();
                engine.Dispose();
            }
        }
    }
}
