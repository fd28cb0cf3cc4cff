using NewsSearch.Core.Search;

namespace NewsSearch.Core.Highlight;

/// <summary>
/// What to highlight in one field: a term, a phrase (terms at relative positions) or a prefix.
/// </summary>
public sealed record HighlightTerm(string Field, IReadOnlyList<string> Terms, IReadOnlyList<int> Positions, bool IsPrefix)
{
    public bool IsPhrase => Terms.Count > 1;
}

/// <summary>Extracts the terms, phrases and prefixes a query can match (prohibited clauses excluded).</summary>
public static class HighlightTerms
{
    public static IReadOnlyList<HighlightTerm> Extract(Query query)
    {
        var found = new List<HighlightTerm>();
        var seen = new HashSet<string>();
        query.Visit(q =>
        {
            HighlightTerm? h = q switch
            {
                TermQuery t => new HighlightTerm(t.Field, [t.Term], [0], false),
                PhraseQuery p => new HighlightTerm(p.Field, p.Terms, p.Positions, false),
                PrefixQuery p => new HighlightTerm(p.Field, [p.Prefix], [0], true),
                _ => null,
            };
            if (h is not null && seen.Add(Key(h))) found.Add(h);
        });

        // A Chinese word is searched both as words and as grams: its gram form marks the same characters and
        // needs only the cheap gram analysis, so drop the word form when its gram twin is there.
        var gramTexts = new HashSet<(string, string)>();
        foreach (var h in found)
            if (IsGramField(h.Field) && CoveredText(h) is { } text) gramTexts.Add((h.Field, text));
        return found.Where(h =>
        {
            if (IsGramField(h.Field)) return true;
            string? gramField = QueryParser.GramFieldOf(h.Field);
            return gramField is null || CoveredText(h) is not { } text || !gramTexts.Contains((gramField, text));
        }).ToArray();
    }

    private static bool IsGramField(string field) => field.EndsWith(".cjk", StringComparison.Ordinal);

    private static string Key(HighlightTerm h) =>
        $"{h.Field}\u0001{h.IsPrefix}\u0001{string.Join('\u0002', h.Terms)}\u0001{string.Join(',', h.Positions)}";

    /// <summary>The CJK text a term/phrase spells when positions are character indexes (true of both word and gram
    /// fields for Chinese text); null when it does not spell one contiguous text.</summary>
    internal static string? CoveredText(HighlightTerm h)
    {
        if (h.IsPrefix) return h.Terms[0];
        int length = 0;
        for (int i = 0; i < h.Terms.Count; i++)
        {
            if (!CjkText.IsAllCjk(h.Terms[i]) || h.Terms[i].Length != CjkText.CodePointCount(h.Terms[i])) return null;
            length = Math.Max(length, h.Positions[i] + h.Terms[i].Length);
        }
        if (length > 256) return null;
        var chars = new char[length];
        for (int i = 0; i < h.Terms.Count; i++)
        {
            for (int k = 0; k < h.Terms[i].Length; k++)
            {
                ref char slot = ref chars[h.Positions[i] + k];
                if (slot != '\0' && slot != h.Terms[i][k]) return null;
                slot = h.Terms[i][k];
            }
        }
        return Array.IndexOf(chars, '\0') >= 0 ? null : new string(chars);
    }
}
