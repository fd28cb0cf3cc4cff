using System.Numerics;
using System.Text;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Highlight;

public sealed record HighlighterOptions
{
    /// <summary>Target snippet length in UTF-16 chars (a snippet grows to avoid cutting a match).</summary>
    public int FragmentSize { get; init; } = 120;

    public int MaxFragments { get; init; } = 3;

    /// <summary>Chars of context kept before the first match of a snippet cut from inside a long sentence.</summary>
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
    public string HighlightAll(string text, IReadOnlyList<HighlightTerm> terms, string wordField) =>
        HighlightAll(text, FindSpans(text, terms, wordField));

    /// <summary>The whole text, escaped, with <paramref name="spans"/> (from <see cref="FindSpans"/>) marked.</summary>
    public static string HighlightAll(string text, List<MatchSpan> spans)
    {
        var sb = new StringBuilder(text.Length + spans.Count * 13);
        Render(sb, text, 0, text.Length, spans);
        return sb.ToString();
    }

    /// <summary>
    /// Up to <see cref="HighlighterOptions.MaxFragments"/> snippets of about <see cref="HighlighterOptions.FragmentSize"/>
    /// chars, best first, non-overlapping. With no match, the text's lead.
    /// </summary>
    public IReadOnlyList<string> BestFragments(string text, IReadOnlyList<HighlightTerm> terms, string wordField) =>
        BestFragments(text, FindSpans(text, terms, wordField));

    /// <summary>
    /// Snippets over <paramref name="spans"/>: whole sentences (cut after 。！？；!?; or a line end, closing quotes kept
    /// with their sentence), as many following sentences as fit in <paramref name="fragmentSize"/> chars (default
    /// <see cref="HighlighterOptions.FragmentSize"/>); a sentence longer than that is cut around its matches (with …).
    /// Ranked by how many distinct query terms a snippet holds, then by how many matches, then by position. With no
    /// match, the lead: the text's first sentences.
    /// </summary>
    public IReadOnlyList<string> BestFragments(string text, List<MatchSpan> spans, int? fragmentSize = null)
    {
        if (text.Length == 0) return [];
        int size = Math.Max(MinFragmentSize, fragmentSize ?? _options.FragmentSize);
        var sentences = Sentences(text);
        if (text.Length <= size || spans.Count == 0)
        {
            var (ls, le) = Extend(text, sentences, 0, size);
            return [RenderFragment(text, ls, le, spans, sentences)];
        }

        var candidates = new List<(int Start, int End, int Score)>();
        int si = 0;
        for (int i = 0; i < spans.Count; i++)
        {
            while (si + 1 < sentences.Count && sentences[si].End <= spans[i].Start) si++;
            var sentence = sentences[si];
            (int ws, int we) = sentence.End - sentence.Start <= size
                ? Extend(text, sentences, si, size)
                : Window(text, sentence, spans, i, size);
            // A sentence-based candidate is the same for every match in it: keep one.
            if (candidates.Count > 0 && candidates[^1].Start == ws && candidates[^1].End == we) continue;
            ulong mask = 0;
            int count = 0;
            foreach (var s in spans)
            {
                if (s.Start >= we) break;
                if (s.End <= ws) continue;
                mask |= s.Terms;
                count++;
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
        foreach (var (start, end) in chosen) result.Add(RenderFragment(text, start, end, spans, sentences));
        return result;
    }

    /// <summary>Smallest fragment size accepted (requests are validated against <see cref="MaxFragmentSize"/> too).</summary>
    public const int MinFragmentSize = 20;

    public const int MaxFragmentSize = 1000;

    /// <summary>Sentence ranges [Start, End) covering the text: each ends after a sentence mark (and any closing
    /// quotes or brackets after it) or a line end; the whitespace after it starts the next one.</summary>
    internal static List<(int Start, int End)> Sentences(string text)
    {
        var result = new List<(int Start, int End)>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!IsBoundary(text[i])) continue;
            int end = i + 1;
            while (end < text.Length && IsCloser(text[end])) end++;
            while (end < text.Length && IsBoundary(text[end])) end++;   // 。。 or ?! runs
            while (end < text.Length && IsCloser(text[end])) end++;
            result.Add((start, end));
            i = end - 1;
            start = end;
            while (start < text.Length && char.IsWhiteSpace(text[start]) && text[start] != '\n') start++;
        }
        if (start < text.Length) result.Add((start, text.Length));
        if (result.Count == 0) result.Add((0, text.Length));
        return result;
    }

    private static bool IsCloser(char c) => c is '”' or '’' or '」' or '』' or '）' or ')' or '"' or '\'' or '》';

    /// <summary>Sentence <paramref name="first"/> and as many following ones as fit in <paramref name="size"/>; a
    /// first sentence longer than that is cut at the size.</summary>
    private static (int Start, int End) Extend(string text, List<(int Start, int End)> sentences, int first, int size)
    {
        int start = sentences[first].Start;
        int end = sentences[first].End;
        if (end - start > size) return (start, SnapEnd(text, start + size));
        for (int k = first + 1; k < sentences.Count && sentences[k].End - start <= size; k++) end = sentences[k].End;
        return (start, end);
    }

    /// <summary>A window of about <paramref name="size"/> chars inside a long sentence, around span
    /// <paramref name="i"/> (a little context before it, never cutting a match or a surrogate pair).</summary>
    private (int Start, int End) Window(string text, (int Start, int End) sentence, List<MatchSpan> spans, int i, int size)
    {
        int matchStart = spans[i].Start;
        int ws = Math.Max(sentence.Start, matchStart - _options.LeadingContext);
        // After a comma or similar pause shortly before, which reads better than a cut word.
        for (int k = ws; k > sentence.Start && k > ws - _options.LeadingContext; k--)
            if (text[k - 1] is '，' or ',' or '、' or '：' or ':' or ' ') { ws = k; break; }
        while (ws < matchStart && char.IsWhiteSpace(text[ws])) ws++;
        if (ws > 0 && ws < text.Length && char.IsLowSurrogate(text[ws]) && char.IsHighSurrogate(text[ws - 1])) ws--;
        int we = SnapEnd(text, Math.Min(sentence.End, ws + size));
        for (int j = i; j < spans.Count && spans[j].Start < we; j++)
            if (spans[j].End > we) we = spans[j].End;   // never cut a match
        return (ws, we);
    }

    private static string RenderFragment(string text, int start, int end, List<MatchSpan> spans, List<(int Start, int End)> sentences)
    {
        var sb = new StringBuilder(end - start + 16);
        if (!IsSentenceStart(sentences, start)) sb.Append('…');
        Render(sb, text, start, end, spans);
        if (end < text.Length && !IsSentenceEnd(sentences, end)) sb.Append('…');
        return sb.ToString();
    }

    private static bool IsSentenceStart(List<(int Start, int End)> sentences, int i) =>
        i == 0 || sentences.Exists(s => s.Start == i);

    private static bool IsSentenceEnd(List<(int Start, int End)> sentences, int i) => sentences.Exists(s => s.End == i);

    /// <summary>Matches of the terms that target <paramref name="wordField"/> or its gram field, merged, sorted.</summary>
    public List<MatchSpan> FindSpans(string text, IReadOnlyList<HighlightTerm> terms, string wordField)
    {
        var raw = new List<MatchSpan>();
        string? gramField = QueryParser.GramFieldOf(wordField);
        foreach (var field in gramField is null ? [wordField] : new[] { wordField, gramField })
        {
            var entries = new List<int>();
            for (int i = 0; i < terms.Count; i++)
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
                        Math.Min(stream.EndOffset, stream.StartOffset + prefix.Length), Bit(entry)));
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
                if (all) output.Add(new MatchSpan(start, end, Bit(e)));
            }
        }
    }

    /// <summary>The bit of highlight term <paramref name="entry"/> (terms past 63 share the last bit: they are
    /// still marked, only counted together when ranking snippets).</summary>
    private static ulong Bit(int entry) => 1UL << Math.Min(entry, 63);

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
