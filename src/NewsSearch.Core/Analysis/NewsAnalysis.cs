using System.Diagnostics;

namespace NewsSearch.Core.Analysis;

/// <summary>Where analysis finds its data. Null paths mean defaults (Debian's python3-jieba dictionary).</summary>
public sealed record AnalysisOptions
{
    public const string DefaultDictionaryPath = "/usr/lib/python3/dist-packages/jieba/dict.txt";

    /// <summary>jieba's dict.txt; default <see cref="DefaultDictionaryPath"/>.</summary>
    public string? DictionaryPath { get; init; }

    /// <summary>Newsroom words, one per line ("word [freq]"); optional.</summary>
    public string? UserDictionaryPath { get; init; }

    /// <summary>Folder for the compiled dictionary cache (usually the data folder); null disables caching.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Folder with finalseg's prob_start.py, prob_trans.py, prob_emit.py; default: "finalseg" beside the
    /// dictionary, else Debian's.</summary>
    public string? HmmFolder { get; init; }

    /// <summary>Segmenter of the word fields: <see cref="WordAnalysisNames.Jieba"/> (default, ours) or
    /// <see cref="WordAnalysisNames.SmartCn"/> (Lucene.Net's SmartChineseAnalyzer); the bigram fields are ours either
    /// way. Recorded in the analysis signature.</summary>
    public string WordAnalysis { get; init; } = WordAnalysisNames.Jieba;

    /// <summary>File name of the newsroom dictionary picked up from the data folder when none is given.</summary>
    public const string DefaultUserDictionaryFileName = "userdict.txt";

    /// <summary>
    /// The options every tool uses: cache under {data}/analysis-cache/, the user dictionary given or else
    /// {data}/userdict.txt when that file exists, the dictionary given or else Debian's.
    /// </summary>
    public static AnalysisOptions ForDataFolder(string dataFolder, string? dictionaryPath = null, string? userDictionaryPath = null)
    {
        string defaultUser = Path.Combine(dataFolder, DefaultUserDictionaryFileName);
        return new AnalysisOptions
        {
            DictionaryPath = dictionaryPath,
            UserDictionaryPath = userDictionaryPath ?? (File.Exists(defaultUser) ? defaultUser : null),
            CacheDirectory = dataFolder,
        };
    }
}

/// <summary>The word-field segmenters a data folder can be created with.</summary>
public static class WordAnalysisNames
{
    public const string Jieba = "jieba";
    public const string SmartCn = "smartcn";
}

/// <summary>One token as the inspection tools show it.</summary>
public sealed record AnalyzedToken(string Term, int StartOffset, int EndOffset, int Position, int PositionLength, string Type);

/// <summary>The tokens one field's chain ("index" or "query") makes of a text.</summary>
public sealed record FieldAnalysis(string Field, string Chain, string Analyzer, IReadOnlyList<AnalyzedToken> Tokens);

/// <summary>
/// The analysis chains of the news schema (<see cref="NewsFields"/>), built once per process from the dictionary.
/// Thread-safe. This is the facade the index, the query parser, the highlighter and the tools use.
/// </summary>
public sealed partial class NewsAnalysis
{
    public const string AnalyzerName = "news-zh";
    /// <summary>The signature name of an analysis whose word fields come from a registered segmenter: news-zh-smartcn.</summary>
    public static string AnalyzerNameFor(string wordAnalysis) =>
        IsJieba(wordAnalysis) ? AnalyzerName : $"{AnalyzerName}-{wordAnalysis.ToLowerInvariant()}";
    /// <summary>Bump whenever a change to the code changes tokens (the index then rebuilds or refuses).</summary>
    public const int AnalyzerVersion = 4;

    internal PrefixDictionary Dictionary { get; }
    internal HmmModel Hmm { get; }

    private readonly NewsAnalyzer _wordsIndex, _wordsQuery, _gramsIndex, _gramsQuery, _gramsAll;

    /// <summary>The word fields' segmenter when it is not jieba (null: jieba, with dictionary sub-words).</summary>
    private readonly IWordSegmenterFactory? _wordSegmenters;

    /// <summary>Which segmenter the word fields use: "jieba" or a registered one ("smartcn").</summary>
    public string WordAnalysis => _wordSegmenters?.Name ?? WordAnalysisNames.Jieba;

    /// <summary>
    /// Dictionary sub-words of long words are a jieba-chain feature (they come from jieba's dictionary); another
    /// segmenter's words stand as it cut them.
    /// </summary>
    internal bool EmitsSubWords => _wordSegmenters == null;

    /// <summary>Name, version and hash of dictionary + user dictionary + HMM tables; recorded in every index commit.</summary>
    public AnalysisSignature Signature { get; }

    /// <summary>How long <see cref="Load"/> took, in milliseconds.</summary>
    public double LoadMilliseconds { get; private init; }

    /// <summary>Where the load time went (for the bench command).</summary>
    public string LoadBreakdown { get; private init; } = "";

    /// <summary>True when the compiled dictionary came from the cache rather than from dict.txt.</summary>
    public bool LoadedFromCache { get; private init; }

    /// <summary>Where the compiled dictionary is cached (null when caching is off).</summary>
    public string? CachePath { get; private init; }

    /// <summary>Number of trie nodes (words and prefixes) of the loaded dictionary.</summary>
    public int DictionaryNodeCount => Dictionary.NodeCount;

    private NewsAnalysis(PrefixDictionary dictionary, HmmModel hmm, string hash, IWordSegmenterFactory? wordSegmenters)
    {
        Dictionary = dictionary;
        Hmm = hmm;
        _wordSegmenters = wordSegmenters;
        // jieba: the hash of its dictionary, user dictionary and HMM tables. Another segmenter: the hash of its
        // identity (library and version); jieba's files do not change its tokens, so they stay out of it.
        Signature = wordSegmenters == null
            ? new AnalysisSignature(AnalyzerName, AnalyzerVersion, hash)
            : new AnalysisSignature(AnalyzerNameFor(wordSegmenters.Name), AnalyzerVersion, IdentityHash(wordSegmenters));
        string words = wordSegmenters == null ? "news-zh-words" : $"{AnalyzerNameFor(wordSegmenters.Name)}-words";
        _wordsIndex = new NewsAnalyzer(this, ChainKind.WordsIndex, words);
        _wordsQuery = new NewsAnalyzer(this, ChainKind.WordsQuery, words + "-query");
        _gramsIndex = new NewsAnalyzer(this, ChainKind.GramsIndex, "news-zh-grams");
        _gramsQuery = new NewsAnalyzer(this, ChainKind.GramsQuery, "news-zh-grams-query");
        _gramsAll = new NewsAnalyzer(this, ChainKind.GramsAll, "news-zh-grams-all");
    }

    /// <summary>
    /// Loads (or compiles and caches) the dictionary and HMM tables.
    /// Throws <see cref="AnalysisLoadException"/> with an actionable message when the dictionary is missing or bad.
    /// </summary>
    public static NewsAnalysis Load(AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var wordSegmenters = ResolveWordSegmenters(options.WordAnalysis);
        var sw = Stopwatch.StartNew();
        // jieba's model is loaded for every word analysis: the raw segmenter tools use it, and its cache carries
        // the normalizer table.
        var compiled = DictionaryCompiler.Load(options); // installs the normalizer table when it comes from the cache
        double beforeNormalizer = sw.Elapsed.TotalMilliseconds;
        TextNormalizer.Warm();
        double normalizerMs = sw.Elapsed.TotalMilliseconds - beforeNormalizer;
        string segmenterLoad = "";
        if (wordSegmenters != null)
        {
            // Load the segmenter's own model now (SmartCn reads its dictionaries on first use), so a broken
            // install fails here and the first document does not pay for it.
            double before = sw.Elapsed.TotalMilliseconds;
            try { wordSegmenters.Create().Segment("中文分词"); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new AnalysisLoadException($"word analysis '{wordSegmenters.Name}' failed to load: {e.Message}", e);
            }
            segmenterLoad = $", {wordSegmenters.Name} model {sw.Elapsed.TotalMilliseconds - before:F0} ms";
        }
        return new NewsAnalysis(compiled.Dictionary, compiled.Hmm, compiled.Hash, wordSegmenters)
        {
            LoadMilliseconds = sw.Elapsed.TotalMilliseconds,
            LoadBreakdown = $"normalizer table {normalizerMs:F0} ms, hash inputs {compiled.HashMilliseconds:F0} ms, " +
                            $"{(compiled.FromCache ? "read cache" : "compile")} {compiled.ReadMilliseconds:F0} ms" + segmenterLoad,
            LoadedFromCache = compiled.FromCache,
            CachePath = compiled.CachePath,
        };
    }

    private static bool IsJieba(string? wordAnalysis) =>
        string.IsNullOrEmpty(wordAnalysis) || string.Equals(wordAnalysis, WordAnalysisNames.Jieba, StringComparison.OrdinalIgnoreCase);

    /// <summary>Null for jieba; the registered factory otherwise; an actionable error when there is none.</summary>
    private static IWordSegmenterFactory? ResolveWordSegmenters(string? wordAnalysis)
    {
        if (IsJieba(wordAnalysis)) return null;
        var factory = WordSegmenters.Find(wordAnalysis!);
        if (factory != null) return factory;
        if (string.Equals(wordAnalysis, WordAnalysisNames.SmartCn, StringComparison.OrdinalIgnoreCase))
            throw new AnalysisLoadException("word analysis 'smartcn' is not available in this process: the host must register it " +
                                            "at startup (NewsSearch.Analysis.SmartCn: SmartCnWordSegmenter.Register())");
        throw new AnalysisLoadException($"unknown word analysis '{wordAnalysis}' (expected one of: {string.Join(", ", WordSegmenters.Names)})");
    }

    private static string IdentityHash(IWordSegmenterFactory factory)
    {
        var h = new ContentHash();
        h.Append(System.Text.Encoding.UTF8.GetBytes($"{AnalyzerNameFor(factory.Name)}/v{AnalyzerVersion}\n{factory.Identity}"));
        return h.Finish().ToString("x16");
    }

    /// <summary>True for the CJK bigram fields (title.cjk, body.cjk).</summary>
    public static bool IsGramField(string field) => field is NewsFields.TitleGrams or NewsFields.BodyGrams;

    /// <summary>The index-time chain of a text field: words + sub-words for title/body, bigrams for the .cjk fields.</summary>
    public Analyzer IndexAnalyzer(string field) => field switch
    {
        NewsFields.Title or NewsFields.Body => _wordsIndex,
        NewsFields.TitleGrams or NewsFields.BodyGrams => _gramsIndex,
        _ => throw new ArgumentException($"'{field}' is not an analyzed text field (expected one of {string.Join(", ", NewsFields.TextFields)})", nameof(field)),
    };

    /// <summary>
    /// The chain the highlighter re-analyzes a field with: the index chain, except that gram fields get every bigram
    /// (the gram index chain leaves out the bigrams the word field holds at the same position).
    /// </summary>
    public Analyzer HighlightAnalyzer(string field) => IsGramField(field) ? _gramsAll : IndexAnalyzer(field);

    /// <summary>
    /// For an engine that indexes every bigram in the gram fields instead of reading the bigrams the word fields hold
    /// back from those (the Lucene.Net engine): the gram index chain of this analysis becomes the all-bigrams chain
    /// (<see cref="HighlightAnalyzer"/>); any other analyzer is returned as it is.
    /// </summary>
    public static Analyzer WithAllGrams(Analyzer indexAnalyzer) =>
        indexAnalyzer is NewsAnalyzer { Kind: ChainKind.GramsIndex } n ? n.Owner._gramsAll : indexAnalyzer;

    /// <summary>The query-time chain: words without sub-words and without stop words; bigrams (a lone CJK char as a unigram).</summary>
    public Analyzer QueryAnalyzer(string field) => field switch
    {
        NewsFields.Title or NewsFields.Body => _wordsQuery,
        NewsFields.TitleGrams or NewsFields.BodyGrams => _gramsQuery,
        _ => throw new ArgumentException($"'{field}' is not an analyzed text field (expected one of {string.Join(", ", NewsFields.TextFields)})", nameof(field)),
    };

    /// <summary>A raw jieba segmenter (no normalization): one per thread, it reuses its buffers.</summary>
    public JiebaSegmenter CreateSegmenter() => new(Dictionary, Hmm);

    /// <summary>The word fields' segmenter (jieba or the chosen one), raw: one per thread.</summary>
    public IWordSegmenter CreateWordSegmenter() => _wordSegmenters?.Create() ?? CreateSegmenter();

    /// <summary>The query-side stop words (the index keeps them).</summary>
    public static IReadOnlyList<string> QueryStopWords => StopWords.List;

    /// <summary>
    /// What every text field makes of <paramref name="text"/>, index chains first, then (optionally) query chains.
    /// For the analyze command and GET /api/v1/analyze; allocates freely.
    /// </summary>
    public IReadOnlyList<FieldAnalysis> Explain(string text, bool includeQueryChains = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<FieldAnalysis>();
        foreach (var field in NewsFields.TextFields)
            result.Add(ExplainOne(field, "index", IndexAnalyzer(field), text));
        if (includeQueryChains)
            foreach (var field in NewsFields.TextFields)
                result.Add(ExplainOne(field, "query", QueryAnalyzer(field), text));
        return result;
    }

    private static FieldAnalysis ExplainOne(string field, string chain, Analyzer analyzer, string text)
    {
        var ts = analyzer.CreateTokenStream();
        ts.SetText(text);
        var tokens = new List<AnalyzedToken>();
        int position = -1;
        while (ts.IncrementToken())
        {
            position += ts.PositionIncrement;
            tokens.Add(new AnalyzedToken(ts.Term.ToString(), ts.StartOffset, ts.EndOffset, position, ts.PositionLength,
                ts.Type.ToString().ToLowerInvariant()));
        }
        return new FieldAnalysis(field, chain, analyzer.Name, tokens);
    }
}
