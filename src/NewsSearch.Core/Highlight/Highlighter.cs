using System.Numerics;
using System.Text;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Highlight;

public sealed record HighlighterOptions
{
    /// <summary>Target snippet length in UTF-16 chars (a snippet grows to avoid cutting a match).</summary>
    public int FragmentSize { get; init; } = 100;

    public int MaxFragments { get; init; } = 3;

    /// <summary>Chars of context kept before a snippet's first match (more when a sentence starts just before).</summary>
    public int LeadingContext { get; init; } = 20;
}

/// <summary>A matched range of the original text (UTF-16 offsets) and which highlight terms it matched (bit i = term i).</summary>
public readonly record struct MatchSpan(int Start, int End, ulong Terms);

/// <summary>
/// Marks query matches in article text. The text is re-analyzed with the index analyzers of the fields the query
/// targets, so matches are exactly what the index matched; a matched phrase becomes one span from its first to its
/// last token, and overlapping matches (bigrams of one word) merge into one span. HTML: the text is escaped segment
/// by segment and &lt;mark&gt; tags are added between segments, so markup in the text can never leak.
/// Thread-safe (token streams are per thread).
/// </summary>
public sealed class Highlighter(Func<string, Analyzer> indexAnalyzer, HighlighterOptions? options = null)
{
    private readonly HighlighterOptions _options = options ?? new HighlighterOptions();

    public HighlighterOptions Options => _options;

    /// <summary>The whole text, escaped, with matches of terms on <paramref name="wordField"/> (and its gram field) marked.</summary>
    public string HighlightAll(string text, IReadOnlyList<HighlightTerm> terms, string wordField)
    {
        var spans = FindSpans(text, terms, wordField);
        var sb = new StringBuilder(text.Length + spans.Count * 13);
        Render(sb, text, 0, text.Length, spans);
        return sb.ToString();
    }

    /// <summary>
    /// Up to <see cref="HighlighterOptions.MaxFragments"/> snippets of about <see cref="HighlighterOptions.FragmentSize"/>
    /// chars, best first (most distinct terms, then most matches), non-overlapping. With no match, the text's opening.
    /// </summary>
    public IReadOnlyList<string> BestFragments(string text, IReadOnlyList<HighlightTerm> terms, string wordField)
    {
        if (text.Length == 0) return [];
        var spans = FindSpans(text, terms, wordField);
        int size = Math.Max(10, _options.FragmentSize);
        if (text.Length <= size || spans.Count == 0)
        {
            int end = SnapEnd(text, Math.Min(text.Length, size));
            var sb0 = new StringBuilder();
            Render(sb0, text, 0, end, spans);
            if (end < text.Length) sb0.Append('…');
            return [sb0.ToString()];
        }

        // One candidate window per span (as the window's first match), scored by distinct terms then matches.
        var candidates = new List<(int Start, int End, int Score)>(spans.Count);
        for (int i = 0; i < spans.Count; i++)
        {
            int ws = WindowStart(text, spans[i].Start);
            int we = SnapEnd(text, Math.Min(text.Length, ws + size));
            ulong mask = 0;
            int count = 0, lastEnd = spans[i].End;
            for (int j = i; j < spans.Count && spans[j].Start < we; j++)
            {
                if (spans[j].End > we) we = spans[j].End;   // never cut a match
                mask |= spans[j].Terms;
                count++;
                lastEnd = spans[j].End;
            }
            // End at a sentence end when one falls in the last quarter of the window (after the last match).
            if (we < text.Length)
            {
                int floor = Math.Max(lastEnd, ws + size * 3 / 4);
                for (int k = we; k > floor; k--)
                    if (IsBoundary(text[k - 1])) { we = k; break; }
            }
            candidates.Add((ws, we, BitOperations.PopCount(mask) * 1000 + Math.Min(count, 999)));
        }
        candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Start.CompareTo(b.Start));

        var chosen = new List<(int Start, int End)>();
        foreach (var c in candidates)
        {
            if (chosen.Count >= _options.MaxFragments) break;
            bool overlaps = false;
            foreach (var o in chosen)
                if (c.Start < o.End && o.Start < c.End) { overlaps = true; break; }
            if (!overlaps) chosen.Add((c.Start, c.End));
        }

        var result = new List<string>(chosen.Count);
        var sb = new StringBuilder();
        foreach (var (start, end) in chosen)
        {
            sb.Clear();
            if (start > 0 && !IsBoundary(text[start - 1])) sb.Append('…');
            Render(sb, text, start, end, spans);
            if (end < text.Length && !IsBoundary(text[end - 1])) sb.Append('…');
            result.Add(sb.ToString());
        }
        return result;
    }

    /// <summary>Matches of the terms that target <paramref name="wordField"/> or its gram field, merged, sorted.</summary>
    public List<MatchSpan> FindSpans(string text, IReadOnlyList<HighlightTerm> terms, string wordField)
    {
        var raw = new List<MatchSpan>();
        string? gramField = QueryParser.GramFieldOf(wordField);
        foreach (var field in gramField is null ? [wordField] : new[] { wordField, gramField })
        {
            var entries = new List<int>();
            for (int i = 0; i < terms.Count && i < 64; i++)
                if (terms[i].Field == field) entries.Add(i);
            if (entries.Count > 0) MatchField(text, field, terms, entries, raw);
        }
        return Merge(raw);
    }

    private void MatchField(string text, string field, IReadOnlyList<HighlightTerm> terms, List<int> entries, List<MatchSpan> output)
    {
        // Term ids for exact terms; prefixes are checked separately.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var prefixes = new List<(string Prefix, int Entry)>();
        foreach (int e in entries)
        {
            if (terms[e].IsPrefix) { prefixes.Add((terms[e].Terms[0], e)); continue; }
            foreach (var t in terms[e].Terms) ids.TryAdd(t, ids.Count);
        }
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();

        // Keep only the tokens that match something: (term id, position, offsets).
        var hits = new List<(int Id, int Position, int Start, int End)>();
        var stream = TokenStreams.Get(indexAnalyzer(field));
        stream.SetText(text);
        int position = -1;
        while (stream.IncrementToken())
        {
            position += stream.PositionIncrement;
            var term = stream.Term;
            if (ids.Count > 0 && lookup.TryGetValue(term, out int id))
                hits.Add((id, position, stream.StartOffset, stream.EndOffset));
            foreach (var (prefix, entry) in prefixes)
                if (term.StartsWith(prefix, StringComparison.Ordinal))
                    output.Add(new MatchSpan(stream.StartOffset,
                        Math.Min(stream.EndOffset, stream.StartOffset + prefix.Length), 1UL << entry));
        }
        if (hits.Count == 0) return;

        foreach (int e in entries)
        {
            var h = terms[e];
            if (h.IsPrefix) continue;
            int firstId = ids[h.Terms[0]];
            foreach (var first in hits)
            {
                if (first.Id != firstId) continue;
                int start = first.Start, end = first.End;
                bool all = true;
                for (int k = 1; k < h.Terms.Count && all; k++)
                {
                    int want = ids[h.Terms[k]], at = first.Position + h.Positions[k];
                    all = false;
                    foreach (var other in hits)
                    {
                        if (other.Id == want && other.Position == at)
                        {
                            start = Math.Min(start, other.Start);
                            end = Math.Max(end, other.End);
                            all = true;
                            break;
                        }
                    }
                }
                if (all) output.Add(new MatchSpan(start, end, 1UL << e));
            }
        }
    }

    private static List<MatchSpan> Merge(List<MatchSpan> spans)
    {
        if (spans.Count <= 1) return spans;
        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var merged = new List<MatchSpan>(spans.Count);
        var cur = spans[0];
        for (int i = 1; i < spans.Count; i++)
        {
            var s = spans[i];
            // Touching matches merge too: adjacent <mark>s look like one anyway, and one tag reads cleaner.
            if (s.Start <= cur.End) cur = new MatchSpan(cur.Start, Math.Max(cur.End, s.End), cur.Terms | s.Terms);
            else { merged.Add(cur); cur = s; }
        }
        merged.Add(cur);
        return merged;
    }

    private int WindowStart(string text, int matchStart)
    {
        int ws = Math.Max(0, matchStart - _options.LeadingContext);
        // Prefer starting at a sentence start shortly before the window.
        int found = -1;
        for (int i = ws; i >= 0 && i > ws - _options.LeadingContext; i--)
            if (i == 0 || IsBoundary(text[i - 1])) { found = i; break; }
        // Else after a comma or similar pause, which still reads better than a cut word.
        for (int i = ws; found < 0 && i > 0 && i > ws - _options.LeadingContext; i--)
            if (text[i - 1] is '，' or ',' or '、' or '：' or ':' or ' ') found = i;
        if (found >= 0) ws = found;
        while (ws < matchStart && char.IsWhiteSpace(text[ws])) ws++;
        if (ws > 0 && ws < text.Length && char.IsLowSurrogate(text[ws]) && char.IsHighSurrogate(text[ws - 1])) ws--;
        return ws;
    }

    private static int SnapEnd(string text, int end)
    {
        if (end > 0 && end < text.Length && char.IsHighSurrogate(text[end - 1]) && char.IsLowSurrogate(text[end])) end++;
        return end;
    }

    private static bool IsBoundary(char c) => c is '。' or '！' or '？' or '；' or '\n' or '!' or '?' or ';';

    /// <summary>Escapes text[start..end) with &lt;mark&gt; around the parts of spans inside it.</summary>
    private static void Render(StringBuilder sb, string text, int start, int end, List<MatchSpan> spans)
    {
        int pos = start;
        foreach (var s in spans)
        {
            if (s.End <= start || s.Start >= end) continue;
            int ms = Math.Max(s.Start, start), me = Math.Min(s.End, end);
            if (ms < pos) continue;
            AppendEscaped(sb, text.AsSpan(pos, ms - pos));
            sb.Append("<mark>");
            AppendEscaped(sb, text.AsSpan(ms, me - ms));
            sb.Append("</mark>");
            pos = me;
        }
        AppendEscaped(sb, text.AsSpan(pos, end - pos));
    }

    public static void AppendEscaped(StringBuilder sb, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            int i = text.IndexOfAny("&<>\"'");
            if (i < 0) { sb.Append(text); return; }
            sb.Append(text[..i]);
            sb.Append(text[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => "&#39;",
            });
            text = text[(i + 1)..];
        }
    }
}
