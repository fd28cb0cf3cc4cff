using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Analysis;

/// <summary>The four analysis chains of the news schema.</summary>
internal enum ChainKind
{
    /// <summary>Word fields at index time: segmenter words plus dictionary sub-words of long words; stop words kept.</summary>
    WordsIndex,
    /// <summary>Word fields at query time: segmenter words only, stop words dropped (their positions stay skipped).</summary>
    WordsQuery,
    /// <summary>
    /// Gram fields at index time: CJK bigrams, plus the last char of each CJK run as a unigram, at the word chain's
    /// positions, leaving out every bigram the word index chain emits (as a word or sub-word) at the same place:
    /// search reads those from the word field (a gram clause matches bigram b at p in either field).
    /// </summary>
    GramsIndex,
    /// <summary>Every bigram and run-end unigram (the index chain before dedupe): for the highlighter.</summary>
    GramsAll,
    /// <summary>Gram fields at query time: CJK bigrams; a lone CJK char is a unigram (searched as a prefix).</summary>
    GramsQuery,
}

internal sealed class NewsAnalyzer(NewsAnalysis analysis, ChainKind kind, string name) : Analyzer
{
    public override string Name => name;
    internal ChainKind Kind => kind;
    internal NewsAnalysis Owner => analysis;
    public override TokenStream CreateTokenStream() => new NewsTokenStream(analysis, kind);
}

/// <summary>
/// All chains in one reusable stream. <see cref="SetText"/> normalizes, segments and lays out every token of the
/// text into a struct array (terms are slices of the normalized buffer); <see cref="IncrementToken"/> only copies
/// the next one out. Buffers grow to the largest text seen and are reused, so a stream allocates nothing per token.
///
/// Positions: a token's position is the index of its first char in "CJK units" along the field: every CJK char
/// advances 1, every Latin/number/other token advances 1, and sentence punctuation or a paragraph break adds a gap
/// of 1 so that phrases do not match across it. A sub-word sits at its own first char (increment 0 when it starts
/// where its long word starts), so a phrase query built from query-side positions stays exact.
/// </summary>
internal sealed unsafe class NewsTokenStream : TokenStream
{
    private struct Tok
    {
        public int TermStart, TermLength, Position, PositionLength;
        public TokenType Type;
    }

    private readonly NewsAnalysis _analysis;
    private readonly ChainKind _kind;
    private readonly TextNormalizer _norm = new();
    private readonly IWordSegmenter? _segmenter;
    private Tok[] _toks = new Tok[256];
    private int _count, _next, _lastPosition;

    public NewsTokenStream(NewsAnalysis analysis, ChainKind kind)
    {
        _analysis = analysis;
        _kind = kind;
        if (kind is ChainKind.WordsIndex or ChainKind.WordsQuery) _segmenter = analysis.CreateWordSegmenter();
    }

    /// <summary>
    /// What the word index chain saw of the last text it analyzed on this thread: the position of every normalized
    /// char, and where a two-Han-char word or sub-word starts. The writer analyzes title then title.cjk (body then
    /// body.cjk) with the same string, so the gram chain reuses it instead of segmenting again.
    /// </summary>
    private sealed class WordLayout
    {
        public NewsAnalysis? Analysis;
        public string? Text;
        public int Length;
        public int[] PosOf = new int[256];
        /// <summary>1: a two-Han-char word or sub-word starts here; 2: a one-Han-char word is here.</summary>
        public byte[] PairAt = new byte[256];
    }

    [ThreadStatic] private static WordLayout? t_layout;
    private const byte PairStart = 1, SingleWord = 2;
    private NewsTokenStream? _wordStream; // the gram index chain's own word chain, for a text the cache does not hold
    private string? _text;

    public override void SetText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _norm.Normalize(text);
        _count = 0;
        _next = 0;
        _lastPosition = -1;
        _text = text;
        if (_segmenter != null) LayOutWords();
        else if (_kind == ChainKind.GramsIndex) LayOutGramsDeduped(text);
        else LayOutGrams();
    }

    public override bool IncrementToken()
    {
        if (_next >= _count) return false;
        ref Tok t = ref _toks[_next++];
        SetTerm(_norm.Chars.AsSpan(t.TermStart, t.TermLength));
        StartOffset = _norm.SrcStart[t.TermStart];
        EndOffset = _norm.SrcEnd[t.TermStart + t.TermLength - 1];
        PositionIncrement = t.Position - _lastPosition;
        _lastPosition = t.Position;
        PositionLength = t.PositionLength;
        Type = t.Type;
        return true;
    }

    /// <summary>Position of the current token (sum of increments minus one), for tools.</summary>
    internal int Position => _lastPosition;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(int start, int length, int position, int positionLength, TokenType type)
    {
        if (_count == _toks.Length) Array.Resize(ref _toks, _toks.Length * 2);
        ref Tok t = ref _toks[_count++];
        t.TermStart = start;
        t.TermLength = length;
        t.Position = position;
        t.PositionLength = positionLength;
        t.Type = type;
    }

    private void LayOutWords()
    {
        var text = _norm.Text;
        var seg = _segmenter!;
        seg.Segment(text);
        var words = seg.Words;
        var dict = _analysis.Dictionary;
        bool index = _kind == ChainKind.WordsIndex;
        bool subWords = index && _analysis.EmitsSubWords;
        int pos = 0;
        bool gap = false;
        WordLayout? layout = null;
        if (index)
        {
            layout = t_layout ??= new WordLayout();
            layout.Analysis = _analysis;
            layout.Text = _text;
            layout.Length = text.Length;
            if (layout.PosOf.Length < text.Length)
            {
                layout.PosOf = new int[Math.Max(text.Length, layout.PosOf.Length * 2)];
                layout.PairAt = new byte[layout.PosOf.Length];
            }
            layout.PosOf.AsSpan(0, text.Length).Fill(-1);
            layout.PairAt.AsSpan(0, text.Length).Clear();
        }
        _layout = layout;

        for (int w = 0; w < words.Length; w++)
        {
            int s = words[w].Start, len = words[w].Length;
            var span = text.Slice(s, len);
            char c0 = span[0];

            if (CharClass.IsCjk(c0) || (len > 1 && ContainsCjk(span)))
            {
                if (gap) { if (pos > 0) pos++; gap = false; }
                // Mixed words (user words like 12345热线, dictionary words like t恤) count a Latin/digit run as one
                // position, like the same text split into pieces would: phrases match either way.
                bool mixed = len > 1 && !AllCjk(span);
                int units = mixed ? UnitOffsets(span) : len;
                if (layout != null)
                {
                    var posOf = layout.PosOf;
                    for (int k = 0; k < len; k++) posOf[s + k] = pos + (mixed ? _units[k] : k);
                    if (len == 2 && !mixed) layout.PairAt[s] = PairStart;
                    else if (len == 1) layout.PairAt[s] = SingleWord;
                }
                if (index || !StopWords.Contains(span))
                {
                    Emit(s, len, pos, units, TokenType.Word);
                    if (subWords && (len >= 3 || mixed)) EmitSubWords(dict, text, s, len, pos, mixed);
                }
                pos += units;
                continue;
            }
            if (len == 2 && char.IsHighSurrogate(c0))
            {
                if (gap) { if (pos > 0) pos++; gap = false; }
                if (layout != null) layout.PosOf[s] = layout.PosOf[s + 1] = pos;
                Emit(s, 2, pos, 1, TokenType.Other);
                pos++;
                continue;
            }
            int alnum = CountLetterOrDigit(span);
            if (alnum == 0)
            {
                // Punctuation, symbols, spaces: dropped; sentence ends and line breaks keep phrases apart.
                if (CharClass.IsBreak(span)) gap = true;
                continue;
            }
            int termLen = len;
            if (IsWordChars(span))
            {
                // jieba passes letters outside a-z one by one (é, ü, Cyrillic, Greek...): glue adjacent pieces back into a word.
                while (w + 1 < words.Length && words[w + 1].Start == s + termLen
                       && IsWordChars(text.Slice(words[w + 1].Start, words[w + 1].Length)))
                {
                    termLen += words[w + 1].Length;
                    w++;
                }
            }
            while (termLen > 1 && text[s + termLen - 1] == '%') termLen--; // "3.5%" is found by "3.5"
            TokenType type = IsNumber(text.Slice(s, termLen)) ? TokenType.Number : TokenType.Latin;
            if (gap) { if (pos > 0) pos++; gap = false; }
            if (layout != null) layout.PosOf.AsSpan(s, termLen).Fill(pos);
            if (index || !StopWords.Contains(text.Slice(s, termLen))) Emit(s, termLen, pos, 1, type);
            pos++;
        }
        if (layout != null)
        {
            // Dropped chars (punctuation, spaces, a trimmed %) take the position of the token before them, so
            // positions never go backwards along the text.
            var posOf = layout.PosOf;
            int prev = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (posOf[i] < 0) posOf[i] = prev;
                else prev = posOf[i];
            }
        }
    }

    private WordLayout? _layout;

    /// <summary>
    /// Every dictionary word of two or more chars inside [s, s+len), except the word itself, by start then length;
    /// in a mixed word also its Latin/digit runs (so 12345 is found inside the user word 12345热线).
    /// </summary>
    private void EmitSubWords(PrefixDictionary dict, ReadOnlySpan<char> text, int s, int len, int pos, bool mixed)
    {
        var logProb = dict.LogProb;
        int end = s + len;
        for (int i = s; i < end; i++)
        {
            int at = pos + (mixed ? _units[i - s] : i - s);
            if (mixed && IsRunChar(text[i]) && (i == s || !IsRunChar(text[i - 1])))
            {
                int j = i + 1;
                while (j < end && IsRunChar(text[j])) j++;
                if (j - i < len) Emit(i, j - i, at, 1, TokenType.SubWord);
            }
            if (i == end - 1) break;
            int node = dict.Child(0, text[i]);
            for (int j = i + 1; node != 0 && j < end; j++)
            {
                node = dict.Child(node, text[j]);
                if (node == 0) break;
                if (logProb[node] <= 0 && !(i == s && j == end - 1))
                {
                    int length = mixed ? _units[j + 1 - s] - _units[i - s] : j + 1 - i;
                    Emit(i, j + 1 - i, at, Math.Max(length, 1), TokenType.SubWord);
                    if (j == i + 1 && _layout != null && CharClass.IsCjk(text[i]) && CharClass.IsCjk(text[j])) _layout.PairAt[i] = PairStart;
                }
            }
        }
    }

    private int[] _units = new int[64];

    /// <summary>Fills _units[k] = positions before char k of a mixed word (CJK char = 1, Latin/digit run = 1); returns the total.</summary>
    private int UnitOffsets(ReadOnlySpan<char> word)
    {
        if (_units.Length < word.Length + 1) _units = new int[Math.Max(word.Length + 1, _units.Length * 2)];
        int u = 0;
        for (int k = 0; k < word.Length; k++)
        {
            _units[k] = u;
            char c = word[k];
            if (IsRunChar(c)) { if (k + 1 == word.Length || !IsRunChar(word[k + 1])) u++; }
            else if (!char.IsLowSurrogate(c)) u++;
        }
        _units[word.Length] = u;
        return Math.Max(u, 1);
    }

    /// <summary>A char of a Latin/digit run inside a mixed word.</summary>
    private static bool IsRunChar(char c) => c < 0x80 ? char.IsAsciiLetterOrDigit(c) : !CharClass.IsCjk(c) && char.IsLetterOrDigit(c);

    private static bool AllCjk(ReadOnlySpan<char> span)
    {
        foreach (char c in span) if (!CharClass.IsCjk(c)) return false;
        return true;
    }

    private void LayOutGrams()
    {
        var text = _norm.Text;
        bool index = _kind == ChainKind.GramsAll;
        int pos = 0;
        bool gap = false;
        int n = text.Length;
        for (int i = 0; i < n;)
        {
            char c = text[i];
            if (CharClass.IsGramChar(c))
            {
                int j = i + 1;
                while (j < n && CharClass.IsGramChar(text[j])) j++;
                if (gap) { if (pos > 0) pos++; gap = false; }
                int runLength = j - i;
                if (runLength == 1)
                {
                    Emit(i, 1, pos, 1, TokenType.Unigram);
                }
                else
                {
                    for (int k = i; k < j - 1; k++) Emit(k, 2, pos + (k - i), 2, TokenType.Bigram);
                    // Every char is then the first of some gram (a bigram, or this unigram), so a prefix query finds any single char.
                    if (index) Emit(j - 1, 1, pos + runLength - 1, 1, TokenType.Unigram);
                }
                pos += runLength;
                i = j;
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < n && char.IsLowSurrogate(text[i + 1]))
            {
                if (gap) { if (pos > 0) pos++; gap = false; }
                Emit(i, 2, pos++, 1, TokenType.Other);
                i += 2;
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                int j = LatinTokenEnd(text, i);
                if (gap) { if (pos > 0) pos++; gap = false; }
                Emit(i, j - i, pos++, 1, IsNumber(text[i..j]) ? TokenType.Number : TokenType.Latin);
                i = j;
                continue;
            }
            if (CharClass.IsBreak(c)) gap = true;
            i++;
        }
    }

    /// <summary>
    /// The gram index chain: the grams of <see cref="LayOutGrams"/>, each at the word chain's position of its first
    /// char (Han chars advance the word chain by exactly one, so a bigram at p means its chars sit at p and p + 1 in
    /// both fields), without the bigrams the word chain emits at the same char: a two-Han-char word or sub-word.
    /// </summary>
    private void LayOutGramsDeduped(string source)
    {
        var layout = t_layout;
        if (layout == null || !ReferenceEquals(layout.Text, source) || layout.Analysis != _analysis)
        {
            (_wordStream ??= new NewsTokenStream(_analysis, ChainKind.WordsIndex)).SetText(source);
            layout = t_layout!;
        }
        var text = _norm.Text;
        int n = text.Length;
        if (layout.Length != n) throw new InvalidOperationException("word and gram chains normalized the text differently");
        var posOf = layout.PosOf;
        var pairAt = layout.PairAt;
        // Chars that start some term of this text in the gram or word field: a gram run's chars but its last, and
        // one-char words. A run-end unigram of such a char adds nothing a single-char (prefix, docs-only) query
        // needs, so it is left out; so is a repeat of one already emitted.
        var covered = _covered ??= new ulong[65536 / 64];
        for (int i = 0; i < n;)
        {
            if (!CharClass.IsGramChar(text[i])) { i++; continue; }
            int j = i + 1;
            while (j < n && CharClass.IsGramChar(text[j])) j++;
            for (int k = i; k < j; k++)
                if (k < j - 1 || pairAt[k] == SingleWord) covered[text[k] >> 6] |= 1UL << text[k];
            i = j;
        }
        for (int i = 0; i < n;)
        {
            char c = text[i];
            if (CharClass.IsGramChar(c))
            {
                int j = i + 1;
                while (j < n && CharClass.IsGramChar(text[j])) j++;
                for (int k = i; k < j - 1; k++)
                    if (pairAt[k] != PairStart) Emit(k, 2, posOf[k], 2, TokenType.Bigram);
                // The run's last char as a unigram (a single-char query is a prefix query, docs only), once per text
                // and only when no other term of the text starts with it.
                char last = text[j - 1];
                if ((covered[last >> 6] & (1UL << last)) == 0)
                {
                    Emit(j - 1, 1, posOf[j - 1], 1, TokenType.Unigram);
                    covered[last >> 6] |= 1UL << last;
                }
                i = j;
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < n && char.IsLowSurrogate(text[i + 1]))
            {
                Emit(i, 2, posOf[i], 1, TokenType.Other);
                i += 2;
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                int j = LatinTokenEnd(text, i);
                Emit(i, j - i, posOf[i], 1, IsNumber(text[i..j]) ? TokenType.Number : TokenType.Latin);
                i = j;
                continue;
            }
            i++;
        }
        foreach (char c in text) covered[c >> 6] = 0; // clears every word a bit was set in
    }

    private ulong[]? _covered;

    /// <summary>End of the Latin/number token starting at <paramref name="i"/> in a gram field: letters and digits up to
    /// the next CJK char, keeping a decimal such as 2.0 whole.</summary>
    private static int LatinTokenEnd(ReadOnlySpan<char> text, int i)
    {
        int n = text.Length, j = i + 1;
        while (j < n && char.IsLetterOrDigit(text[j]) && !CharClass.IsGramChar(text[j])) j++;
        if (j + 1 < n && text[j] == '.' && char.IsAsciiDigit(text[j + 1]) && char.IsAsciiDigit(text[j - 1]))
        {
            j += 2;
            while (j < n && char.IsAsciiDigit(text[j])) j++;
        }
        return j;
    }

    private static bool ContainsCjk(ReadOnlySpan<char> span)
    {
        foreach (char c in span) if (CharClass.IsCjk(c)) return true;
        return false;
    }

    private static int CountLetterOrDigit(ReadOnlySpan<char> span)
    {
        int n = 0;
        foreach (char c in span) if (char.IsLetterOrDigit(c)) n++;
        return n;
    }

    /// <summary>Letters, digits and combining marks outside CJK (one word of an alphabetic script).</summary>
    private static bool IsWordChars(ReadOnlySpan<char> span)
    {
        foreach (char c in span)
        {
            if (c < 0x80) { if (!char.IsAsciiLetterOrDigit(c)) return false; continue; }
            if (CharClass.IsCjk(c) || CharClass.IsGramChar(c) || char.IsSurrogate(c)) return false;
            if (!char.IsLetterOrDigit(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark) return false;
        }
        return true;
    }

    private static bool IsNumber(ReadOnlySpan<char> span)
    {
        foreach (char c in span) if (!char.IsDigit(c) && c != '.') return false;
        return true;
    }
}

/// <summary>Character classes the chains agree on.</summary>
internal static class CharClass
{
    /// <summary>CJK ideographs of the BMP (unified, extension A, compatibility).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCjk(char c) => c >= '\u3400' && (c <= '\u4DBF' || (c >= '\u4E00' && c <= '\u9FFF') || (c >= '\uF900' && c <= '\uFAFF'));

    /// <summary>What the gram fields cut into bigrams: CJK ideographs, kana, hangul syllables.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsGramChar(char c) => c >= '\u3040' && (IsCjk(c) || c <= '\u30FF' || (c >= '\uAC00' && c <= '\uD7AF'));

    /// <summary>Sentence or clause punctuation and line breaks: a phrase never spans one.</summary>
    public static bool IsBreak(char c) => c switch
    {
        '\n' or '\r' or '\u2028' or '\u2029' or '\u0085' => true,
        '。' or '！' or '？' or '；' or '，' or '、' or '：' or '…' or '｡' => true,
        ',' or '.' or '!' or '?' or ';' or ':' => true,
        _ => false,
    };

    public static bool IsBreak(ReadOnlySpan<char> span)
    {
        foreach (char c in span) if (IsBreak(c)) return true;
        return false;
    }
}

/// <summary>
/// The query-side stop list: function words that carry no meaning in a query. Kept small on purpose (the index
/// keeps them, so a phrase around them still matches: their positions are skipped, not closed up).
/// </summary>
internal static class StopWords
{
    public static readonly string[] List =
    [
        "的", "了", "和", "是", "在", "与", "及", "或", "也", "都", "就", "而", "被", "把", "对", "之", "于", "等", "着", "吗", "呢", "吧", "啊",
        "a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "is", "are", "was", "were", "be", "by", "with", "at",
    ];

    private static readonly HashSet<string> Set = new(List, StringComparer.Ordinal);
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Set.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool Contains(ReadOnlySpan<char> term) => term.Length <= 4 && Lookup.Contains(term);
}
