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
}

/// <summary>
/// The analysis chains of the news schema (<see cref="NewsFields"/>), built once per process from the dictionary.
/// Thread-safe. This is the facade the index, the query parser, the highlighter and the tools use.
/// </summary>
public sealed partial class NewsAnalysis
{
    // Implemented in the Analysis stage: Load(options), Signature, IndexAnalyzer(field), QueryAnalyzer(field).
}
