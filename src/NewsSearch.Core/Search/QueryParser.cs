using System.Globalization;
using System.Text;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Search;

/// <summary>How user words become queries: field boosts and limits.</summary>
public sealed record QueryParserOptions
{
    /// <summary>Multiplies title matches (word and gram): a word in the headline says more than one in the body.</summary>
    public float TitleBoost { get; init; } = 2.0f;

    public float BodyBoost { get; init; } = 1.0f;

    /// <summary>Weight of a gram-field (bigram) match relative to a word-field match of the same field. Grams are
    /// there for recall (names the segmenter split differently); a proper word match also matches the grams, so
    /// it always scores higher than a grams-only match.</summary>
    public float GramWeight { get; init; } = 0.3f;

    /// <summary>Score of an unfielded word that equals a byline name exactly (2–4 Han characters): reporters'
    /// names are in the author field, not in the text, and newsroom users type them as plain words.</summary>
    public float AuthorNameScore { get; init; } = 1.0f;

    /// <summary>Most words/phrases a query may have.</summary>
    public int MaxTerms { get; init; } = 64;

    /// <summary>Deepest parenthesis nesting accepted.</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>Most leaf queries (terms, phrases, prefixes, filters) a parsed query may hold, synonym expansions and
    /// the analysis of long words included: bounds the work of one search. High enough for the longest request
    /// query (1,000 Chinese chars: one word, about 4 × 1,000 word and bigram terms over four fields).</summary>
    public int MaxClauses { get; init; } = 8192;

    /// <summary>Weight of the proximity bonus (relative to the body boost): for a query of two or more plain words,
    /// a sloppy phrase of all its words on the body word field, whose score is added to the best hits (see
    /// <see cref="ParsedQuery.Proximity"/>). 0 turns it off.</summary>
    public float ProximityWeight { get; init; } = 0.3f;

    /// <summary>Position moves the proximity bonus allows (positions are characters in Chinese text).</summary>
    public int ProximitySlop { get; init; } = 8;

    /// <summary>Newsroom synonyms applied to unquoted words (null: none).</summary>
    public SynonymSource? Synonyms { get; init; }
}

/// <summary>A parsed query; when it is a default-AND of several clauses, the same clauses ORed (ranked), to run
/// when the AND finds nothing; and, for two or more plain words, the proximity bonus: a query whose score is added
/// to the best hits' scores (a rescoring window, like Lucene's QueryRescorer).</summary>
public sealed record ParsedQuery(Query Query, Query? OrFallback, Query? Proximity = null);

/// <summary>
/// Parses Lucene's classic query syntax into <see cref="Query"/> trees: words, "quoted phrases", +required,
/// -excluded, AND / OR / NOT (also &amp;&amp;, ||, !), parentheses, field:value for title, body, author,
/// section, id, kind (article / continuation / notice) and date (also date:[2026-01-01 TO 2026-01-31], date:2026-01), and ^boost.
/// Precedence: NOT/+/- bind tightest, then AND (also implied between adjacent clauses: the default operator),
/// then OR; so <c>a b OR c</c> is <c>(a AND b) OR c</c>.
/// A plain word is analyzed with the query analyzer: its tokens form an exact phrase at their analyzed positions,
/// searched in the title and body word fields and, for Chinese text, in the bigram fields, so any substring of
/// two or more characters is found even where the segmenter split the text differently. A single CJK character
/// matches the word fields' term and every gram starting with it. Bad syntax throws
/// <see cref="QueryParseException"/> with the position of the problem.
/// Thread-safe.
/// </summary>
public sealed class QueryParser
{
    private static readonly string[] DefaultWordFields = [NewsFields.Title, NewsFields.Body];
    private readonly Func<string, Analyzer> _queryAnalyzer;
    private readonly QueryParserOptions _options;

    public QueryParser(Func<string, Analyzer> queryAnalyzer, QueryParserOptions? options = null)
    {
        _queryAnalyzer = queryAnalyzer;
        _options = options ?? new QueryParserOptions();
    }

    public QueryParserOptions Options => _options;

    public Query Parse(string text) => ParseWithFallback(text).Query;

    /// <summary>Parses <paramref name="text"/>; also gives the OR form of a default-AND query (see
    /// <see cref="ParsedQuery"/>). Throws <see cref="QueryParseException"/> and nothing else on bad input.</summary>
    public ParsedQuery ParseWithFallback(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var state = new State(this, text, _options.Synonyms?.Current);
        var query = state.ParseOr(null, 0, out _);
        state.SkipWhitespace();
        if (!state.AtEnd)
        {
            throw state.Text[state.Pos] is ')' or '）'
                ? new QueryParseException($"Unbalanced ')' at position {state.Pos}: no '(' opens it.", state.Pos)
                : new QueryParseException($"Unexpected '{state.Text[state.Pos]}' at position {state.Pos}.", state.Pos);
        }
        if (query is null) return new ParsedQuery(MatchNoDocsQuery.Instance, null);
        Query? fallback = null;
        if (state.TopAnd is not null && query is BooleanQuery and && !state.TopAndExplicit
            && and.Clauses.Count(c => c.Occur == Occur.Must) >= 2)
        {
            fallback = new BooleanQuery(and.Clauses.Select(c => c.Occur == Occur.Must ? c with { Occur = Occur.Should } : c).ToArray(),
                minimumShouldMatch: 1);
        }
        var proximity = state.TopAnd is { Count: >= 2 } words ? Proximity(words) : null;
        return new ParsedQuery(query, fallback, proximity);
    }

    /// <summary>The proximity bonus over plain words: on the body word field, the words as one sloppy phrase (their
    /// analyzed tokens in order), weighted by <see cref="QueryParserOptions.ProximityWeight"/>. Null when off or
    /// when the words analyze to fewer than two tokens.</summary>
    private Query? Proximity(List<string> words)
    {
        if (_options.ProximityWeight <= 0 || _options.ProximitySlop <= 0) return null;
        string joined = string.Join(' ', words);
        var clauses = new List<BooleanClause>();
        // The body only: a title is short, so words found in it are close anyway, and every extra field costs a
        // sloppy phrase per hit rescored.
        foreach (var field in (ReadOnlySpan<string>)[NewsFields.Body])
        {
            var tokens = MainPath(TokenStreams.Analyze(_queryAnalyzer(field), joined));
            if (tokens.Count < 2) continue;
            float boost = (field == NewsFields.Title ? _options.TitleBoost : _options.BodyBoost) * _options.ProximityWeight;
            var phrase = new PhraseQuery(field, tokens.Select(t => (t.Term, t.Position)).ToArray(),
                Math.Min(_options.ProximitySlop, PhraseQuery.MaxSlop));
            clauses.Add(new BooleanClause(Boost(phrase, boost), Occur.Should));
        }
        return clauses.Count switch { 0 => null, 1 => clauses[0].Query, _ => new BooleanQuery(clauses) };
    }

    /// <summary>The query for one word or phrase in the given word fields (null when analysis leaves nothing).
    /// With <paramref name="slop"/> &gt; 0 the phrase is sloppy: on the gram fields only the bigrams inside one word
    /// are kept (a bigram across two words is not there when the words stand apart), and the gram clause is left out
    /// when that leaves a word uncovered.</summary>
    public Query? BuildText(string text, IReadOnlyList<string> wordFields, bool matchAuthorName = false, int slop = 0)
    {
        var parts = new List<BooleanClause>();
        string trimmed = text.Trim();
        bool singleCjk = CodePointCountIs1(trimmed) && CjkText.IsAllCjk(trimmed);
        bool allCjk = CjkText.IsAllCjk(trimmed);
        if (matchAuthorName && allCjk && CjkText.CodePointCount(trimmed) is >= 2 and <= 4 && _options.AuthorNameScore > 0)
            parts.Add(new BooleanClause(Boost(new KeywordQuery(NewsFields.Author, trimmed), _options.AuthorNameScore), Occur.Should));
        List<QueryToken>? lastWordTokens = null;
        Analyzer? lastWordAnalyzer = null;
        foreach (var wordField in wordFields)
        {
            float fieldBoost = wordField == NewsFields.Title ? _options.TitleBoost : _options.BodyBoost;
            var analyzer = _queryAnalyzer(wordField);
            // Title and body usually share one query analyzer: analyze once.
            var wordTokens = ReferenceEquals(analyzer, lastWordAnalyzer) && lastWordTokens is not null
                ? lastWordTokens
                : MainPath(TokenStreams.Analyze(analyzer, trimmed));
            lastWordAnalyzer = analyzer;
            lastWordTokens = wordTokens;

            Query? word = PhraseOrTerm(wordField, wordTokens, slop);
            if (word is not null) word = Boost(word, fieldBoost);

            string? gramField = GramFieldOf(wordField);
            Query? gram = null;
            List<QueryToken>? gramTokens = null;
            bool spells = false; // one word whose characters are exactly the gram phrase's bigrams in a row
            if (gramField is not null && allCjk)
            {
                gramTokens = TokenStreams.Analyze(_queryAnalyzer(gramField), trimmed);
                if (singleCjk)
                {
                    // The analyzed (normalized) character, as the index holds it (NFKC maps compatibility ideographs).
                    gram = new PrefixQuery(gramField, gramTokens.Count == 1 ? gramTokens[0].Term : trimmed);
                }
                else if (slop > 0)
                {
                    var inside = InsideWords(gramTokens, wordTokens);
                    gram = inside is null ? null : PhraseOrTerm(gramField, inside, slop);
                }
                else
                {
                    // Every bigram, not just a covering subset: the phrase leapfrogs from its rarest bigram (济发 in
                    // 经济发展), so more terms mean fewer candidate documents (14× faster on that phrase).
                    gram = PhraseOrTerm(gramField, gramTokens);
                    spells = wordTokens.Count == 1 && SpellsGrams(wordTokens[0].Term, gramTokens);
                    if (spells && gram is PhraseQuery phrase) gram = phrase.SpelledByWord(wordField, wordTokens[0].Term);
                }
                if (gram is not null) gram = Boost(gram, fieldBoost * _options.GramWeight);
            }

            if (gram is not null && word is not null && spells)
            {
                // One word spelling the whole text: every document holding the word holds its bigrams in a row, so
                // word ⊆ gram and "gram, or word" matches what "gram, plus word" does, with the same score. As a
                // disjunction the cheap word decides most matches: counting sets them first and reads a phrase's
                // positions only for the other candidates, and top-n pruning can leave the phrase lazy.
                parts.Add(new BooleanClause(new BooleanQuery([new(gram, Occur.Should), new(word, Occur.Should)]), Occur.Should));
            }
            else if (gram is not null && word is not null && !singleCjk)
            {
                // Chinese text matched as words is also matched as grams (same characters, one run), so the gram
                // clause decides the match and the word clause only adds to the score: it is advanced to the gram
                // matches instead of walking its own postings (a phrase's positions are then read for few docs).
                parts.Add(new BooleanClause(new BooleanQuery([new(gram, Occur.Must), new(word, Occur.Should)]), Occur.Should));
            }
            else
            {
                if (word is not null) parts.Add(new BooleanClause(word, Occur.Should));
                if (gram is not null) parts.Add(new BooleanClause(gram, Occur.Should));
            }
        }
        return parts.Count switch
        {
            0 => null,
            1 => parts[0].Query,
            _ => new BooleanQuery(parts),
        };
    }

    private static Query Boost(Query q, float boost) => boost == 1f ? q : new BoostQuery(q, boost);

    /// <summary>Whether <paramref name="word"/> is exactly the characters two or more consecutive bigrams spell.</summary>
    private static bool SpellsGrams(string word, List<QueryToken> grams)
    {
        // A single bigram's postings already include the word's (GramPostings): "gram, plus word" counts it once.
        if (grams.Count < 2 || word.Length != grams.Count + 1) return false;
        for (int i = 0; i < grams.Count; i++)
        {
            string g = grams[i].Term;
            if (g.Length != 2 || g[0] != word[i] || g[1] != word[i + 1] || grams[i].Position != grams[0].Position + i) return false;
        }
        return true;
    }

    /// <summary>The gram tokens lying inside one word token, or null when some word token has none.</summary>
    private static List<QueryToken>? InsideWords(List<QueryToken> grams, List<QueryToken> words)
    {
        var kept = new List<QueryToken>(grams.Count);
        foreach (var w in words)
        {
            int before = kept.Count;
            foreach (var g in grams)
                if (g.StartOffset >= w.StartOffset && g.EndOffset <= w.EndOffset) kept.Add(g);
            if (kept.Count == before) return null;
        }
        return kept;
    }

    /// <summary>A prefix query on the given word fields (title boosted); a single Han character also takes every
    /// gram starting with it. The prefix is normalized as the index normalizes text (NFKC, lowercase).</summary>
    public Query? BuildPrefix(string prefix, IReadOnlyList<string> wordFields)
    {
        string normalized = NormalizeWord(prefix);
        if (normalized.Length == 0) return null;
        bool singleHan = GramPostings.IsHanChar(normalized);
        var parts = new List<BooleanClause>();
        foreach (var wordField in wordFields)
        {
            float fieldBoost = wordField == NewsFields.Title ? _options.TitleBoost : _options.BodyBoost;
            parts.Add(new BooleanClause(Boost(new PrefixQuery(wordField, normalized), fieldBoost), Occur.Should));
            if (singleHan && GramFieldOf(wordField) is { } gramField)
                parts.Add(new BooleanClause(Boost(new PrefixQuery(gramField, normalized), fieldBoost * _options.GramWeight), Occur.Should));
        }
        return parts.Count switch { 0 => null, 1 => parts[0].Query, _ => new BooleanQuery(parts) };
    }

    /// <summary>NFKC + lowercase, as the index normalizes text (also the synonym lookup key).</summary>
    internal static string NormalizeWord(string text)
    {
        var n = new TextNormalizer();
        n.Normalize(text.AsSpan().Trim());
        return n.Text.ToString();
    }

    private static bool CodePointCountIs1(string s) => s.Length is 1 or 2 && CjkText.CodePointCount(s) == 1;

    public static string? GramFieldOf(string wordField) => wordField switch
    {
        NewsFields.Title => NewsFields.TitleGrams,
        NewsFields.Body => NewsFields.BodyGrams,
        _ => null,
    };

    /// <summary>Drops sub-words stacked under a longer word: the long word already pins the phrase (and the index
    /// holds the long word where it holds the sub-words), so requiring both would only cost time.</summary>
    private static List<QueryToken> MainPath(List<QueryToken> tokens)
    {
        var result = new List<QueryToken>(tokens.Count);
        foreach (var t in tokens)
        {
            if (t.Type == TokenType.SubWord) continue;
            if (result.Count > 0 && t.PositionIncrement == 0) continue;
            result.Add(t);
        }
        return result;
    }

    private static Query? PhraseOrTerm(string field, List<QueryToken> tokens, int slop = 0) => tokens.Count switch
    {
        0 => null,
        1 => new TermQuery(field, tokens[0].Term),
        _ => new PhraseQuery(field, tokens.Select(t => (t.Term, t.Position)).ToArray(), slop),
    };

    private enum FieldKind { Text, Keyword, Date }

    private static (string Name, FieldKind Kind)? KnownField(ReadOnlySpan<char> name)
    {
        Span<char> lower = stackalloc char[16];
        if (name.Length > lower.Length) return null;
        int n = name.ToLowerInvariant(lower);
        return lower[..n] switch
        {
            "title" => (NewsFields.Title, FieldKind.Text),
            "body" => (NewsFields.Body, FieldKind.Text),
            "author" => (NewsFields.Author, FieldKind.Keyword),
            "section" => (NewsFields.Section, FieldKind.Keyword),
            "id" => (NewsFields.Id, FieldKind.Keyword),
            "kind" => (NewsSearch.Core.Index.ArticleDocuments.KindField, FieldKind.Keyword),
            "date" or "published" => (NewsFields.PublishedDay, FieldKind.Date),
            _ => null,
        };
    }

    private sealed class State(QueryParser parser, string text, SynonymMap? synonyms)
    {
        public readonly string Text = text;
        public int Pos;
        private int _terms;
        private int _clauses;

        /// <summary>The plain words of the top-level AND group (for the proximity bonus), when the query is one.</summary>
        public List<string>? TopAnd;

        /// <summary>The top-level AND group used an explicit AND or +: no OR fallback then.</summary>
        public bool TopAndExplicit;

        // The plain word of the clause just parsed (unquoted, unfielded, unboosted), for TopAnd.
        private string? _plainWord;

        public bool AtEnd => Pos >= Text.Length;

        public void SkipWhitespace()
        {
            while (Pos < Text.Length && char.IsWhiteSpace(Text[Pos])) Pos++;
        }

        private bool IsTermEnd(int i) => i >= Text.Length || char.IsWhiteSpace(Text[i]) || IsSpecial(Text[i]);

        private static bool IsSpecial(char c) => c is '(' or ')' or '"' or '“' or '”' or '^' or '[' or ']' or '{' or '}'
            or '（' or '）';

        private bool PeekKeyword(string keyword)
        {
            if (string.CompareOrdinal(Text, Pos, keyword, 0, keyword.Length) != 0) return false;
            int end = Pos + keyword.Length;
            return end >= Text.Length || char.IsWhiteSpace(Text[end]) || Text[end] is '(' or ')' or '"' or '“' or '（' or '）';
        }

        private bool PeekOr() => PeekKeyword("OR") || PeekKeyword("||");

        private bool PeekAnd() => PeekKeyword("AND") || PeekKeyword("&&");

        private bool PeekNot() => PeekKeyword("NOT") || (Pos < Text.Length && Text[Pos] == '!'
            && Pos + 1 < Text.Length && !char.IsWhiteSpace(Text[Pos + 1]));

        private bool AtGroupEnd() => AtEnd || Text[Pos] is ')' or '）';

        /// <summary>or := and (OR and)*. <paramref name="hadClause"/> tells syntax (a clause was there) from
        /// analysis (it analyzed to nothing).</summary>
        public Query? ParseOr(string? field, int depth, out bool hadClause)
        {
            var alternatives = new List<Query>();
            var first = ParseAnd(field, depth, out hadClause);
            if (first is not null) alternatives.Add(first);
            while (true)
            {
                SkipWhitespace();
                if (!PeekOr()) break;
                int opPos = Pos;
                if (!hadClause) throw new QueryParseException($"OR at position {opPos} needs a clause before it.", opPos);
                Pos += 2; // "OR" and "||" are both two chars
                var next = ParseAnd(field, depth, out bool nextHad);
                if (!nextHad) throw new QueryParseException($"OR at position {opPos} needs a clause after it.", opPos);
                if (next is not null) alternatives.Add(next);
            }
            // The proximity bonus and the OR fallback are for one top-level AND group only.
            if (depth == 0 && field is null && alternatives.Count != 1) TopAnd = null;
            return alternatives.Count switch
            {
                0 => null,
                1 => alternatives[0],
                _ => new BooleanQuery(alternatives.Select(q => new BooleanClause(q, Occur.Should)).ToArray()),
            };
        }

        /// <summary>and := unary ((AND)? unary)*; the default operator is AND.</summary>
        private Query? ParseAnd(string? field, int depth, out bool hadClause)
        {
            var clauses = new List<BooleanClause>();
            hadClause = false;
            bool top = depth == 0 && field is null;
            var words = top ? new List<string>() : null;
            bool explicitAnd = false;
            while (true)
            {
                SkipWhitespace();
                if (AtGroupEnd() || PeekOr()) break;
                if (PeekAnd())
                {
                    int opPos = Pos;
                    if (!hadClause) throw new QueryParseException($"AND at position {opPos} needs a clause before it.", opPos);
                    Pos += Text[Pos] == '&' ? 2 : 3;
                    explicitAnd = true;
                    SkipWhitespace();
                    if (AtGroupEnd() || PeekOr() || PeekAnd())
                        throw new QueryParseException($"AND at position {opPos} needs a clause after it.", opPos);
                    continue;
                }
                var occur = Occur.Must;
                int modifierPos = Pos;
                if (PeekNot())
                {
                    Pos += Text[Pos] == '!' ? 1 : 3;
                    occur = Occur.MustNot;
                    SkipWhitespace();
                    if (AtGroupEnd() || PeekOr() || PeekAnd())
                        throw new QueryParseException($"NOT at position {modifierPos} needs a clause after it.", modifierPos);
                }
                else if (Text[Pos] is '+' or '-' or '＋' or '－')
                {
                    occur = Text[Pos] is '+' or '＋' ? Occur.Must : Occur.MustNot;
                    Pos++;
                    // A lone '+' or '-' (followed by a space) is punctuation, not an operator: ignore it.
                    if (AtEnd || char.IsWhiteSpace(Text[Pos])) continue;
                    if (occur == Occur.Must) explicitAnd = true;
                }
                _plainWord = null;
                var q = ParseClause(field, depth, out bool isFilter);
                hadClause = true;
                if (q is null) continue;
                if (isFilter && occur == Occur.Must) occur = Occur.Filter;
                if (occur == Occur.Must && _plainWord is not null) words?.Add(_plainWord);
                clauses.Add(new BooleanClause(q, occur));
            }
            if (top)
            {
                TopAnd = words;
                TopAndExplicit = explicitAnd;
            }
            if (clauses.Count == 0) return null;
            if (clauses.All(c => c.Occur == Occur.MustNot))
                clauses.Insert(0, new BooleanClause(MatchAllDocsQuery.Instance, Occur.Filter));
            if (clauses.Count == 1 && clauses[0].Occur == Occur.Must) return clauses[0].Query;
            return new BooleanQuery(clauses);
        }

        /// <summary>clause := [field:] ( '(' or ')' | "phrase" | range | term ) [^boost].</summary>
        private Query? ParseClause(string? field, int depth, out bool isFilter)
        {
            isFilter = false;
            int start = Pos;
            (string Name, FieldKind Kind)? known = null;
            int colon = FindFieldColon();
            if (colon > Pos)
            {
                known = KnownField(Text.AsSpan(Pos, colon - Pos));
                if (known is not null)
                {
                    if (field is not null && field != known.Value.Name)
                        throw new QueryParseException($"Field '{known.Value.Name}' at position {start} is inside a group for field '{field}'.", start);
                    Pos = colon + 1;
                    if (AtEnd || char.IsWhiteSpace(Text[Pos]))
                        throw new QueryParseException($"Field '{known.Value.Name}:' at position {start} needs a value.", start);
                }
            }
            string? effectiveField = known?.Name ?? field;
            var kind = known?.Kind ?? (field is null ? FieldKind.Text : KindOf(field));
            isFilter = kind != FieldKind.Text;

            Query? q;
            char c = Text[Pos];
            if (known is null && field is null && string.CompareOrdinal(Text, Pos, "*:*", 0, 3) == 0 && IsTermEnd(Pos + 3))
            {
                Pos += 3;
                CountClause(start);
                q = MatchAllDocsQuery.Instance;
            }
            else if (c is '(' or '（')
            {
                int open = Pos++;
                if (depth + 1 > parser._options.MaxDepth)
                    throw new QueryParseException($"Parentheses nested deeper than {parser._options.MaxDepth} at position {open}.", open);
                q = ParseOr(effectiveField, depth + 1, out bool had);
                SkipWhitespace();
                if (AtEnd || Text[Pos] is not (')' or '）'))
                    throw new QueryParseException($"Unbalanced '(' at position {open}: no ')' closes it.", open);
                Pos++;
                if (!had) throw new QueryParseException($"Empty parentheses at position {open}.", open);
                // A group of filters (author:(a OR b)) filters; anything else scores.
                isFilter = kind != FieldKind.Text;
            }
            else if (c is '"' or '“' or '”')
            {
                string phrase = ReadQuoted();
                int slop = ReadSlop();
                q = BuildValue(effectiveField, kind, phrase, start, quoted: true, slop: slop);
            }
            else if (c is '[' or '{')
            {
                if (kind != FieldKind.Date)
                    throw new QueryParseException($"A range at position {Pos} is only supported for date: (date:[2026-01-01 TO 2026-01-31]).", Pos);
                q = ReadDateRange(effectiveField!);
                CountClause(start);
            }
            else
            {
                int termStart = Pos;
                string term = ReadTerm(out bool prefix);
                if (term.Length == 0)
                {
                    throw prefix
                        ? new QueryParseException($"A prefix at position {termStart} needs at least one character before '*'.", termStart)
                        : new QueryParseException($"Unexpected '{Text[termStart]}' at position {termStart}.", termStart);
                }
                q = prefix ? BuildPrefixValue(effectiveField, kind, term, termStart) : BuildValue(effectiveField, kind, term, termStart);
                if (!prefix && known is null && field is null && q is not null) _plainWord = term;
            }

            if (!AtEnd && Text[Pos] == '^')
            {
                int caret = Pos++;
                int numStart = Pos;
                while (Pos < Text.Length && (char.IsAsciiDigit(Text[Pos]) || Text[Pos] == '.')) Pos++;
                if (!float.TryParse(Text.AsSpan(numStart, Pos - numStart), NumberStyles.Float, CultureInfo.InvariantCulture, out float boost)
                    || boost < 0 || float.IsInfinity(boost) || !IsTermEnd(Pos))
                    throw new QueryParseException($"Boost at position {caret} must be a non-negative number (e.g. ^2).", caret);
                if (q is not null && !isFilter) q = new BoostQuery(q, boost);
                _plainWord = null;
            }
            return q;
        }

        /// <summary>~N after a quoted phrase: the slop (0 when absent).</summary>
        private int ReadSlop()
        {
            if (AtEnd || Text[Pos] != '~') return 0;
            int tilde = Pos++;
            int numStart = Pos;
            while (Pos < Text.Length && char.IsAsciiDigit(Text[Pos])) Pos++;
            if (Pos == numStart || Pos - numStart > 4 || !IsTermEnd(Pos)
                || !int.TryParse(Text.AsSpan(numStart, Pos - numStart), CultureInfo.InvariantCulture, out int slop) || slop > PhraseQuery.MaxSlop)
                throw new QueryParseException($"Proximity at position {tilde} must be a whole number of positions from 0 to {PhraseQuery.MaxSlop} (e.g. \"a b\"~5).", tilde);
            return slop;
        }

        private Query? BuildPrefixValue(string? field, FieldKind kind, string value, int at)
        {
            switch (kind)
            {
                case FieldKind.Date:
                    throw new QueryParseException($"A prefix at position {at} is not supported for dates; use date:2026-01 or a range.", at);
                case FieldKind.Keyword:
                    if (field == NewsSearch.Core.Index.ArticleDocuments.KindField)
                        throw new QueryParseException($"A prefix at position {at} is not supported for kind:.", at);
                    CountTerm(at);
                    CountClause(at);
                    return new PrefixQuery(field!, value.Trim());
                default:
                    CountTerm(at);
                    var q = parser.BuildPrefix(value, field is null ? DefaultWordFields : [field]);
                    if (q is null) throw new QueryParseException($"A prefix at position {at} needs at least one character before '*'.", at);
                    CountClauses(q, at);
                    return q;
            }
        }

        private static FieldKind KindOf(string field) =>
            field == NewsFields.PublishedDay ? FieldKind.Date
            : field is NewsFields.Author or NewsFields.Section or NewsFields.Id or NewsSearch.Core.Index.ArticleDocuments.KindField
                ? FieldKind.Keyword
            : FieldKind.Text;

        /// <summary>Index of the ':' ending a field name at the cursor, or -1.</summary>
        private int FindFieldColon()
        {
            int i = Pos;
            while (i < Text.Length && (char.IsAsciiLetter(Text[i]) || Text[i] == '.')) i++;
            return i > Pos && i < Text.Length && Text[i] is ':' or '：' ? i : -1;
        }

        /// <summary>A word up to the next space or special character, with \ escapes resolved; an unescaped '*'
        /// at its end makes it a prefix (<paramref name="prefix"/>), anywhere else it is refused.</summary>
        private string ReadTerm(out bool prefix)
        {
            prefix = false;
            var sb = new StringBuilder();
            while (!IsTermEnd(Pos))
            {
                char c = Text[Pos];
                if (c == '\\')
                {
                    if (Pos + 1 >= Text.Length)
                        throw new QueryParseException($"Escape character at position {Pos} escapes nothing.", Pos);
                    sb.Append(Text[Pos + 1]);
                    Pos += 2;
                    continue;
                }
                if (c == '*')
                {
                    if (!IsTermEnd(Pos + 1))
                        throw new QueryParseException($"'*' at position {Pos} is only supported at the end of a word (prefix*); write \\* for the character.", Pos);
                    prefix = true;
                    Pos++;
                    break;
                }
                sb.Append(c);
                Pos++;
            }
            return sb.ToString();
        }

        private string ReadQuoted()
        {
            int open = Pos;
            char close = Text[Pos] == '“' ? '”' : '"';
            Pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw new QueryParseException($"Unbalanced quote at position {open}: the phrase is not closed.", open);
                char c = Text[Pos];
                if (c == '\\' && Pos + 1 < Text.Length) { sb.Append(Text[Pos + 1]); Pos += 2; continue; }
                // Accept either closing quote: users mix ASCII and full-width quotes.
                if (c == close || c == '"' || c == '”') { Pos++; break; }
                sb.Append(c);
                Pos++;
            }
            return sb.ToString();
        }

        private Query? BuildValue(string? field, FieldKind kind, string value, int at, bool quoted = false, int slop = 0)
        {
            switch (kind)
            {
                case FieldKind.Keyword:
                    value = value.Trim();
                    if (value.Length == 0) throw new QueryParseException($"Field '{field}' at position {at} needs a value.", at);
                    CountTerm(at);
                    CountClause(at);
                    // The index keeps kind only as a sorted doc value (no terms).
                    return new KeywordQuery(field!, value, docValuesOnly: field == NewsSearch.Core.Index.ArticleDocuments.KindField);
                case FieldKind.Date:
                    var (lo, hi) = ParseDay(value.Trim(), at);
                    CountClause(at);
                    return new NumericRangeQuery(field!, lo, hi);
                default:
                    if (value.Trim().Length == 0) return null;
                    CountTerm(at);
                    var fields = field is null ? DefaultWordFields : (IReadOnlyList<string>)[field];
                    // Longer than any word: refused before analysis so one huge "word" cannot make a huge phrase.
                    if (value.Length > MaxWordLength)
                        throw new QueryParseException($"The word at position {at} is {value.Length} characters long; at most {MaxWordLength} are allowed.", at);
                    var q = parser.BuildText(value, fields, matchAuthorName: field is null, slop);
                    if (q is null) return null;
                    var alternatives = quoted ? null : synonyms?.Lookup(NormalizeWord(value));
                    if (alternatives is not null)
                    {
                        // A word with synonyms: any of them (each analyzed like the word) may match.
                        var any = new List<BooleanClause> { new(q, Occur.Should) };
                        foreach (var alt in alternatives)
                        {
                            CountTerm(at);
                            if (parser.BuildText(alt, fields, matchAuthorName: field is null) is { } altQuery)
                                any.Add(new BooleanClause(altQuery, Occur.Should));
                        }
                        if (any.Count > 1) q = new BooleanQuery(any);
                    }
                    CountClauses(q, at);
                    return q;
            }
        }

        /// <summary>Longest single word or phrase accepted (the query as a whole is bounded by the searcher).</summary>
        // A Chinese query has no spaces, so one word may be as long as a whole request's query (1,000 chars);
        // the cap bounds direct parser use (the property test feeds it 100k chars).
        private const int MaxWordLength = SearchRequest.MaxQueryLength;

        private void CountTerm(int at)
        {
            if (++_terms > parser._options.MaxTerms)
                throw new QueryParseException($"Too many terms: at most {parser._options.MaxTerms} words or phrases (position {at}).", at);
        }

        private void CountClause(int at, int n = 1)
        {
            _clauses += n;
            if (_clauses > parser._options.MaxClauses)
                throw new QueryParseException($"The query is too complex: more than {parser._options.MaxClauses} term clauses (position {at}).", at);
        }

        /// <summary>Counts the leaf queries of <paramref name="q"/> (each term of a phrase counts).</summary>
        private void CountClauses(Query q, int at)
        {
            int n = 0;
            q.Visit(x => n += x switch { PhraseQuery p => p.Terms.Count, BooleanQuery or BoostQuery => 0, _ => 1 });
            CountClause(at, n);
        }

        private Query ReadDateRange(string field)
        {
            int open = Pos;
            bool lowInclusive = Text[Pos] == '[';
            int close = Text.IndexOfAny([']', '}'], Pos + 1);
            if (close < 0) throw new QueryParseException($"Unbalanced '{Text[open]}' at position {open}: the range is not closed.", open);
            bool highInclusive = Text[close] == ']';
            string inner = Text[(open + 1)..close];
            Pos = close + 1;
            var parts = inner.Split(" TO ", 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
                throw new QueryParseException($"A date range at position {open} looks like [2026-01-01 TO 2026-01-31].", open);
            long lo = parts[0] == "*" ? long.MinValue + 1 : ParseDay(parts[0], open + 1).Lo;
            long hi = parts[1] == "*" ? long.MaxValue : ParseDay(parts[1], open + 1).Hi;
            if (!lowInclusive && parts[0] != "*") lo = ParseDay(parts[0], open + 1).Hi + 1;
            if (!highInclusive && parts[1] != "*") hi = ParseDay(parts[1], open + 1).Lo - 1;
            return new NumericRangeQuery(field, lo, hi);
        }

        /// <summary>yyyy-MM-dd is one day, yyyy-MM a month, yyyy a year: as days since 1970-01-01.</summary>
        private static (long Lo, long Hi) ParseDay(string s, int at)
        {
            var ci = CultureInfo.InvariantCulture;
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", ci, DateTimeStyles.None, out var day))
                return (Days(day), Days(day));
            if (DateOnly.TryParseExact(s, "yyyy-MM", ci, DateTimeStyles.None, out var month))
                return (Days(month), Days(month.AddMonths(1)) - 1);
            if (s.Length == 4 && DateOnly.TryParseExact(s, "yyyy", ci, DateTimeStyles.None, out var year))
                return (Days(year), Days(year.AddYears(1)) - 1);
            throw new QueryParseException($"Date '{s}' at position {at} must be yyyy-MM-dd, yyyy-MM or yyyy.", at);
        }

        private static long Days(DateOnly d) => d.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
    }
}
