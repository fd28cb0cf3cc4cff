using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Search;

/// <summary>
/// The analyzers search needs, per field: the query analyzers for the parser (stop words dropped) and the index
/// analyzers for the highlighter (which must see the text exactly as it was indexed).
/// </summary>
public sealed class SearchAnalyzers(Func<string, Analyzer> queryAnalyzer, Func<string, Analyzer> indexAnalyzer)
{
    public Analyzer Query(string field) => queryAnalyzer(field);

    public Analyzer Index(string field) => indexAnalyzer(field);
}

/// <summary>A token as the parser and highlighter keep it: text, accumulated position, offsets, type.</summary>
internal readonly record struct QueryToken(string Term, int Position, int StartOffset, int EndOffset, TokenType Type, int PositionIncrement);

/// <summary>
/// Reuses one token stream per analyzer per thread: analyzers are thread-safe factories, streams are not, and
/// creating a stream per highlighted document would cost more than the analysis itself.
/// </summary>
internal static class TokenStreams
{
    [ThreadStatic] private static Dictionary<Analyzer, TokenStream>? t_streams;

    public static TokenStream Get(Analyzer analyzer)
    {
        var streams = t_streams ??= new Dictionary<Analyzer, TokenStream>(ReferenceEqualityComparer.Instance);
        if (!streams.TryGetValue(analyzer, out var stream))
        {
            // Analyzers are long-lived; a growing table means they are being recreated, so start over.
            if (streams.Count >= 32) streams.Clear();
            streams[analyzer] = stream = analyzer.CreateTokenStream();
        }
        return stream;
    }

    /// <summary>All tokens of a (short) text with positions accumulated from the position increments.</summary>
    public static List<QueryToken> Analyze(Analyzer analyzer, string text)
    {
        var stream = Get(analyzer);
        var tokens = new List<QueryToken>();
        stream.SetText(text);
        int position = -1;
        while (stream.IncrementToken())
        {
            position += stream.PositionIncrement;
            tokens.Add(new QueryToken(stream.Term.ToString(), Math.Max(position, 0), stream.StartOffset,
                stream.EndOffset, stream.Type, stream.PositionIncrement));
        }
        return tokens;
    }
}

/// <summary>Character classes search cares about.</summary>
public static class CjkText
{
    /// <summary>Han ideographs (BMP blocks, compatibility ideographs and the supplementary planes).</summary>
    public static bool IsCjk(int codePoint) =>
        codePoint is >= 0x3400 and <= 0x4DBF or >= 0x4E00 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF
            or >= 0x20000 and <= 0x323AF;

    /// <summary>True when the text is non-empty and every code point is a Han ideograph.</summary>
    public static bool IsAllCjk(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return false;
        for (int i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                cp = char.ConvertToUtf32(text[i], text[++i]);
            if (!IsCjk(cp)) return false;
        }
        return true;
    }

    /// <summary>Number of code points (a surrogate pair counts once).</summary>
    public static int CodePointCount(ReadOnlySpan<char> text)
    {
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            n++;
        }
        return n;
    }
}
