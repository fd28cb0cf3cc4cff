using System.Collections.Concurrent;

namespace NewsSearch.Core.Analysis;

/// <summary>
/// Cuts normalized text (NFKC + lowercase, as the word chains hand it over) into the spans the word fields are
/// built from. The word chain then does the rest the same way for every segmenter: positions, types, gaps at
/// sentence punctuation, dropping punctuation and spaces, gluing letters back into words, offsets.
/// Not thread-safe: one per token stream (it may reuse its buffers).
/// </summary>
public interface IWordSegmenter
{
    /// <summary>
    /// Segments <paramref name="text"/>; the spans are in <see cref="Words"/> until the next call, in text order,
    /// not overlapping. Chars no span covers are treated like spaces. Returns the number of spans.
    /// </summary>
    int Segment(ReadOnlySpan<char> text);

    ReadOnlySpan<WordSpan> Words { get; }
}

/// <summary>
/// A word segmenter that lives outside Core (e.g. Lucene.Net's SmartCn), chosen by name through
/// <see cref="AnalysisOptions.WordAnalysis"/>. Hosts register it at startup with <see cref="WordSegmenters.Register"/>,
/// so Core never references the library.
/// </summary>
public interface IWordSegmenterFactory
{
    /// <summary>The <see cref="AnalysisOptions.WordAnalysis"/> value that selects it, e.g. "smartcn".</summary>
    string Name { get; }

    /// <summary>
    /// Everything its tokens depend on (library, version, model): hashed into the analysis signature, so an index
    /// built with another version of it is rebuilt or refused.
    /// </summary>
    string Identity { get; }

    /// <summary>A new segmenter for one thread.</summary>
    IWordSegmenter Create();
}

/// <summary>The process-wide registry of word segmenters besides jieba (built into Core).</summary>
public static class WordSegmenters
{
    private static readonly ConcurrentDictionary<string, IWordSegmenterFactory> Factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes <paramref name="factory"/> available by its name; registering the same name again replaces it.</summary>
    public static void Register(IWordSegmenterFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (string.Equals(factory.Name, WordAnalysisNames.Jieba, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("'jieba' is built in and cannot be replaced", nameof(factory));
        Factories[factory.Name] = factory;
    }

    /// <summary>The factory registered under <paramref name="name"/>, or null (jieba is never in the registry).</summary>
    public static IWordSegmenterFactory? Find(string name) => Factories.GetValueOrDefault(name);

    /// <summary>The names a data folder can be created with (jieba, smartcn, and any other registered), for messages.</summary>
    public static IReadOnlyList<string> Names =>
        [.. new[] { WordAnalysisNames.Jieba, WordAnalysisNames.SmartCn }.Concat(Factories.Keys.Order(StringComparer.Ordinal)).Distinct(StringComparer.OrdinalIgnoreCase)];
}
