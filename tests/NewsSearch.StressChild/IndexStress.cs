using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;
using NewsSearch.Core.Store;

namespace NewsSearch.StressChild;

/// <summary>
/// The crash test's child: upserts and deletes generated articles in the store and catches the index up with
/// frequent commits, merges and rebuilds, forever (or --iterations), with the engine it is given. The crash test
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
        BackgroundMerges = true,
        CommitEveryChanges = 50,
        Log = log,
    };

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

    /// <summary>The engine under stress; native with a merge policy that merges often.</summary>
    public static IIndexEngine Engine(string name) => name == EngineNames.Native
        ? new NativeEngine(new TieredMergePolicy { SegmentsPerTier = 3, MaxMergeAtOnce = 3, FloorSegmentBytes = 4096 })
        : EngineCatalog.Get(name);

    public static void Run(string data, string engine, int seed, int iterations)
    {
        var rng = new Random(seed);
        using var store = new ArticleStore(data);
        using var manager = IndexManager.Open(Path.Combine(data, "index"), store, Engine(engine), AnalyzerFor, Signature, Options());
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
