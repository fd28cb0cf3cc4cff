using System.Text;
using NewsSearch.Core.Analysis;
using NUnit.Framework;
using static NewsSearch.Core.Tests.Analysis.AnalysisAssert;

namespace NewsSearch.Core.Tests.Analysis;

[TestFixture]
public class NewsAnalyzerTests
{
    private static NewsAnalysis A => TestAnalysis.Instance;
    private static Analyzer Words => A.IndexAnalyzer(NewsFields.Body);
    private static Analyzer WordsQuery => A.QueryAnalyzer(NewsFields.Body);
    // Every bigram (the highlighter's chain): the layout tests below describe it; the index chain leaves out the
    // bigrams the word field holds at the same place (TestGramIndexChainOmitsExactlyTheWordFieldsPairs).
    private static Analyzer Grams => A.HighlightAnalyzer(NewsFields.BodyGrams);
    private static Analyzer GramsIndex => A.IndexAnalyzer(NewsFields.BodyGrams);
    private static Analyzer GramsQuery => A.QueryAnalyzer(NewsFields.BodyGrams);

    private static readonly TokenType W = TokenType.Word, Sub = TokenType.SubWord, Bi = TokenType.Bigram,
        Uni = TokenType.Unigram, Lat = TokenType.Latin, Num = TokenType.Number;

    [Test]
    public void TestSegmenterMatchesJiebaOnNewsSentence()
    {
        var seg = A.CreateSegmenter();
        Assert.That(seg.Cut("5月30日,田心轨道交通产业社区"),
            Is.EqualTo(new[] { "5", "月", "30", "日", ",", "田心", "轨道交通", "产业", "社区" }));
        Assert.That(seg.Cut("VR眼镜 12345热线 2.0 COVID-19 3.5%"),
            Is.EqualTo(new[] { "VR", "眼镜", " ", "12345", "热线", " ", "2.0", " ", "COVID", "-", "19", " ", "3.5%" }));
        Assert.That(seg.Cut("AT&T B超 abc.def  x\r\ny 𠀋字"),
            Is.EqualTo(new[] { "AT&T", " ", "B超", " ", "abc", ".", "def", " ", " ", "x", "\r\n", "y", " ", "𠀋", "字" }));
        // The one deliberate difference: lowercase twins of dictionary words (jieba cuts "b超" into b / 超).
        Assert.That(seg.Cut("b超"), Is.EqualTo(new[] { "b超" }));
    }

    [Test]
    public void TestOOV()
    {
        // Not in the dictionary: the HMM keeps the name together, as jieba does.
        Assert.That(A.CreateSegmenter().Cut("株洲日报(全媒体记者/李逸峰 通讯员/冯帅)"),
            Is.EqualTo(new[] { "株洲", "日报", "(", "全", "媒体", "记者", "/", "李逸峰", " ", "通讯员", "/", "冯帅", ")" }));
        AssertAnalyzesTo(WordsQuery, "记者李逸峰", ["记者", "李逸峰"], [0, 2], [2, 5]);
        // ...and 逸峰 alone is still found through the gram field.
        AssertAnalyzesTo(GramsQuery, "逸峰", ["逸峰"], [0], [2], [Bi]);
        Assert.That(Tokens(Grams, "记者李逸峰").Select(t => t.Term), Does.Contain("逸峰"));
    }

    [Test]
    public void TestCommonWordsStayWhole()
    {
        // SmartCn turns 高铁 into 高 OR 铁; here it is one word, in the index and in the query.
        AssertAnalyzesTo(WordsQuery, "高铁", ["高铁"], [0], [2], [W]);
        AssertAnalyzesTo(WordsQuery, "坐高铁去长沙", ["坐", "高铁", "去", "长沙"]);
    }

    [Test]
    public void TestUppercaseDictionaryWordsSurviveLowercasing()
    {
        // jieba's dictionary has A股, U盘, IC卡 in upper case; the analyzers see lowercase text and still keep them whole.
        AssertAnalyzesTo(WordsQuery, "A股和a股", ["a股", "a股"], [0, 3], [2, 5]);
        AssertAnalyzesTo(WordsQuery, "插上U盘", ["插上", "u盘"]);
        // The raw segmenter (jieba's behaviour on the original text) is unchanged.
        Assert.That(A.CreateSegmenter().Cut("A股"), Is.EqualTo(new[] { "A股" }));
    }

    [Test]
    public void TestOffsets()
    {
        AssertAnalyzesTo(Words, "田心轨道交通产业社区",
            ["田心", "轨道交通", "轨道", "交通", "产业", "社区"],
            [0, 2, 2, 4, 6, 8], [2, 6, 4, 6, 8, 10],
            [W, W, Sub, Sub, W, W],
            positions: [0, 2, 2, 4, 6, 8]);
    }

    [Test]
    public void TestOffsetsPointIntoOriginalTextOfSeedPages()
    {
        foreach (var file in Directory.GetFiles(TestAnalysis.SharedFolder("seeds"), "*.txt"))
        {
            string text = File.ReadAllText(file);
            foreach (var field in NewsFields.TextFields)
                foreach (var t in Tokens(A.IndexAnalyzer(field), text))
                {
                    string original = text[t.Start..t.End];
                    string normalized = original.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
                    Assert.That(normalized, Does.Contain(t.Term), $"{field} token {t} in {Path.GetFileName(file)}");
                }
        }
    }

    [Test]
    public void TestFullWidth()
    {
        // Full-width Latin, digits and punctuation fold to ASCII; offsets still point at the full-width chars.
        AssertAnalyzesTo(Words, "ＶＲ眼镜１２３４５热线", ["vr", "眼镜", "12345", "热线"],
            [0, 2, 4, 9], [2, 4, 9, 11], [Lat, W, Num, W]);
        // A full-width comma is a clause break: the next word sits one position further.
        AssertAnalyzesTo(Words, "安全，交通", ["安全", "交通"], [0, 3], [2, 5], positions: [0, 3]);
        AssertAnalyzesTo(Words, "安全交通", ["安全", "交通"], [0, 2], [2, 4], positions: [0, 2]);
    }

    [Test]
    public void TestLatinIsLowercased()
    {
        AssertAnalyzesTo(Words, "iPhone USB ÉCOLE", ["iphone", "usb", "école"], [0, 7, 11], [6, 10, 16], [Lat, Lat, Lat],
            positions: [0, 1, 2]);
    }

    [Test]
    public void TestSubWords()
    {
        // 发展 is found inside 发展中国家 (SmartCn misses it); sub-words stack at the position of their first char.
        AssertAnalyzesTo(Words, "发展中国家", ["发展中国家", "发展", "中国", "国家"],
            [0, 0, 2, 3], [5, 2, 4, 5], [W, Sub, Sub, Sub],
            positionIncrements: [1, 0, 2, 1]);
        // The query side has no sub-words, so a query for the long word does not match its parts elsewhere.
        AssertAnalyzesTo(WordsQuery, "发展中国家", ["发展中国家"]);
    }

    [Test]
    public void TestPhrasePositionsStayExactAcrossSubWords()
    {
        // Text 轨道交通安全: query 交通安全 is not a segment of it, but its words sit at the same relative positions.
        var doc = Tokens(Words, "轨道交通安全");
        Assert.That(doc.Select(t => (t.Term, t.Position)),
            Is.EqualTo(new[] { ("轨道交通", 0), ("轨道", 0), ("交通", 2), ("安全", 4) }));
        var query = Tokens(WordsQuery, "轨道交通安全");
        Assert.That(PhraseMatches(doc, query), Is.True);
        var query2 = Tokens(WordsQuery, "交通 安全");
        Assert.That(query2.Select(t => (t.Term, t.Position)), Is.EqualTo(new[] { ("交通", 0), ("安全", 2) }));
        Assert.That(PhraseMatches(doc, query2), Is.True);
        Assert.That(PhraseMatches(doc, Tokens(WordsQuery, "安全 交通")), Is.False);
    }

    [Test]
    public void TestBigrams()
    {
        AssertAnalyzesTo(Grams, "中车株机", ["中车", "车株", "株机", "机"], [0, 1, 2, 3], [2, 3, 4, 4], [Bi, Bi, Bi, Uni],
            positions: [0, 1, 2, 3]);
        AssertAnalyzesTo(GramsQuery, "株机", ["株机"], [0], [2], [Bi]);
        // A lone CJK char is a unigram (the search side looks it up as a prefix of the grams).
        AssertAnalyzesTo(GramsQuery, "株", ["株"], [0], [1], [Uni]);
        AssertAnalyzesTo(Grams, "健宁 VR眼镜", ["健宁", "宁", "vr", "眼镜", "镜"], [0, 1, 3, 5, 6], [2, 2, 5, 7, 7],
            [Bi, Uni, Lat, Bi, Uni], positions: [0, 1, 2, 3, 4]);
    }

    [Test]
    public void TestAnySubstringOfSeedPagesIsFoundInGramField()
    {
        var rnd = new Random(42);
        int checkedQueries = 0;
        foreach (var file in Directory.GetFiles(TestAnalysis.SharedFolder("seeds"), "*.txt"))
            foreach (var line in File.ReadAllLines(file).Where(l => l.Length >= 4))
            {
                // What search reads for a gram clause: the gram index field plus the word field's Han pairs.
                var doc = GramUnion(line);
                for (int k = 0; k < 3; k++)
                {
                    int len = rnd.Next(2, Math.Min(9, line.Length + 1));
                    int start = rnd.Next(0, line.Length - len + 1);
                    string q = line.Substring(start, len);
                    if (char.IsLowSurrogate(q[0]) || char.IsHighSurrogate(q[^1])) continue;
                    // Latin words and numbers are whole tokens: a piece cut out of one is not a substring we promise to find.
                    if (start > 0 && InToken(line[start - 1]) && InToken(q[0])) continue;
                    if (start + len < line.Length && InToken(line[start + len]) && InToken(q[^1])) continue;
                    var query = Tokens(GramsQuery, q);
                    if (query.Count == 0) continue; // only punctuation
                    if (query.Count == 1 && query[0].Type == TokenType.Unigram)
                    {
                        // A single char: the prefix of some gram at that place.
                        Assert.That(doc.Any(t => t.Term.StartsWith(query[0].Term, StringComparison.Ordinal)), Is.True, q);
                        continue;
                    }
                    // A substring ending with a lone CJK char after non-CJK text is not a pure bigram phrase; skip those.
                    if (query.Any(t => t.Type == TokenType.Unigram)) continue;
                    Assert.That(PhraseMatches(doc, query), Is.True, $"'{q}' in '{line}'");
                    checkedQueries++;
                }
            }
        Assert.That(checkedQueries, Is.GreaterThan(200));
    }

    private static bool IsHanPair(string term) => term.Length == 2 && CharClass.IsCjk(term[0]) && CharClass.IsCjk(term[1]);

    /// <summary>The gram index chain's tokens plus the word index chain's two-Han-char tokens, by position.</summary>
    private static List<Tok> GramUnion(string text) =>
        Tokens(GramsIndex, text).Concat(Tokens(Words, text).Where(t => IsHanPair(t.Term) || (t.Term.Length == 1 && CharClass.IsCjk(t.Term[0])))).OrderBy(t => t.Position).ToList();

    [Test]
    public void TestGramIndexChainOmitsExactlyTheWordFieldsPairs()
    {
        int omitted = 0, kept = 0;
        var lines = Directory.GetFiles(TestAnalysis.SharedFolder("seeds"), "*.txt").SelectMany(File.ReadAllLines)
            .Append("轨道交通安全 健宁 VR眼镜 12345热线 a.b中国 2.0.1发布 カタカナ・テスト 中𠀋国 t恤衫");
        foreach (var line in lines)
        {
            var all = Tokens(Grams, line);
            var index = Tokens(GramsIndex, line);
            var words = Tokens(Words, line);
            var wordPairs = words.Where(t => IsHanPair(t.Term)).Select(t => (t.Term, t.Start)).ToHashSet();
            // Same grams by text and offset, minus the word field's Han pairs.
            // Bigrams: all but the word field's pairs, at the same offsets.
            var expected = all.Where(t => t.Type != Uni && !(t.Type == Bi && wordPairs.Contains((t.Term, t.Start))))
                .Select(t => (t.Term, t.Start, t.End, t.Type)).ToArray();
            Assert.That(index.Where(t => t.Type != Uni).Select(t => (t.Term, t.Start, t.End, t.Type)).ToArray(), Is.EqualTo(expected), line);
            // Unigrams: a char no other term of the text starts with, once (prefix queries are docs-only).
            var starts = all.Where(t => t.Type == Bi).Select(t => t.Term[0])
                .Concat(words.Where(t => t.Term.Length == 1 && CharClass.IsCjk(t.Term[0])).Select(t => t.Term[0])).ToHashSet();
            var expectedUni = all.Where(t => t.Type == Uni && !starts.Contains(t.Term[0])).Select(t => t.Term).Distinct().ToArray();
            var gotUni = index.Where(t => t.Type == Uni).Select(t => t.Term).ToArray();
            Assert.That(gotUni, Is.EquivalentTo(expectedUni), line);
            omitted += all.Count - index.Count;
            kept += index.Count(t => t.Type == Bi);
            // Positions are the word chain's: a gram sits where the word chain puts its first char.
            var wordPosAt = new Dictionary<int, int>();
            foreach (var w in words)
                if (CharClass.IsCjk(line[w.Start])) wordPosAt.TryAdd(w.Start, w.Position);
            foreach (var g in index)
                if (wordPosAt.TryGetValue(g.Start, out int p)) Assert.That(g.Position, Is.EqualTo(p), $"{g} in '{line}'");
            // Every word-field Han pair is also a bigram of the all-grams chain (so the union never invents one).
            foreach (var pair in wordPairs) Assert.That(all.Any(t => t.Type == Bi && t.Term == pair.Term && t.Start == pair.Start), Is.True, pair.ToString());
        }
        Assert.That(omitted, Is.GreaterThan(kept / 5), $"omitted {omitted}, kept {kept}");
    }

    [Test]
    public void TestEverySingleCjkCharStartsAGramOrAWordOfTheText()
    {
        // What a single-char (prefix) query relies on, with the gram field deduped against the word field.
        foreach (var line in Directory.GetFiles(TestAnalysis.SharedFolder("seeds"), "*.txt").SelectMany(File.ReadAllLines))
        {
            // Docs-only: some term of the gram field or the word field starts with each Han char of the text.
            var starts = Tokens(GramsIndex, line).Concat(Tokens(Words, line)).Select(t => t.Term[0]).ToHashSet();
            foreach (char c in line)
                if (CharClass.IsCjk(c)) Assert.That(starts.Contains(c), Is.True, $"char {c} of '{line}'");
        }
    }

    [Test]
    public void TestGramIndexChainIsTheSameWithoutTheWordChainFirst()
    {
        // The gram chain reuses the word chain's layout of the same string on this thread, or segments by itself.
        string text = "株洲轨道交通安全产业社区，健宁大道。";
        var afterWords = Tokens(Words, text).Count > 0 ? Tokens(GramsIndex, text) : [];
        Tokens(Words, "别的文本");
        var alone = Tokens(GramsIndex, new string(text.AsSpan()));
        Assert.That(alone, Is.EqualTo(afterWords));
        Assert.That(alone.Any(t => t.Term == "交通"), Is.False);
        Assert.That(alone.Any(t => t.Term == "道交"), Is.True);
    }

    [Test]
    public void TestEverySingleCjkCharIsAPrefixOfAGramAtItsPlace()
    {
        string text = "株洲日报记者李逸峰报道：健宁。";
        var grams = Tokens(Grams, text);
        for (int i = 0; i < text.Length; i++)
        {
            if (!CharClass.IsCjk(text[i])) continue;
            Assert.That(grams.Any(t => t.Start == i && t.Term[0] == text[i]), Is.True, $"char {text[i]} at {i}");
        }
    }

    [Test]
    public void TestSurrogatePair()
    {
        AssertAnalyzesTo(Words, "𠀋", ["𠀋"], [0], [2], [TokenType.Other]);
        AssertAnalyzesTo(Words, "中𠀋国", ["中", "𠀋", "国"], [0, 1, 3], [1, 3, 4], positions: [0, 1, 2]);
        AssertAnalyzesTo(Grams, "中𠀋国", ["中", "𠀋", "国"], [0, 1, 3], [1, 3, 4], [Uni, TokenType.Other, Uni]);
        // A lone surrogate is never cut in half or crashes anything.
        Assert.That(Tokens(Words, "a\uD840b"), Is.Not.Null);
    }

    [Test]
    public void TestMixedLatin()
    {
        AssertAnalyzesTo(Words, "VR眼镜", ["vr", "眼镜"], [0, 2], [2, 4], [Lat, W]);
        AssertAnalyzesTo(Words, "12345热线", ["12345", "热线"], [0, 5], [5, 7], [Num, W]);
        AssertAnalyzesTo(Words, "2.0版本", ["2.0", "版本"], [0, 3], [3, 5], [Num, W]);
        AssertAnalyzesTo(Words, "COVID-19", ["covid", "19"], [0, 6], [5, 8], [Lat, Num], positions: [0, 1]);
        AssertAnalyzesTo(Words, "5月30日", ["5", "月", "30", "日"], [0, 1, 2, 4], [1, 2, 4, 5], [Num, W, Num, W]);
        AssertAnalyzesTo(Words, "增长3.5%", ["增长", "3.5"], [0, 2], [2, 5], [W, Num]);
        AssertAnalyzesTo(Words, "Москва", ["москва"], [0], [6], [Lat]);
        // Query and index agree on mixed text, so a phrase query for it matches.
        Assert.That(PhraseMatches(Tokens(Words, "新冠COVID-19疫情"), Tokens(WordsQuery, "covid-19疫情")), Is.True);
    }

    [Test]
    public void TestStopWordsDroppedFromQueriesOnly()
    {
        AssertAnalyzesTo(Words, "中国的发展", ["中国", "的", "发展"], positions: [0, 2, 3]);
        // The query keeps the gap where 的 was, so the phrase still lines up with the index.
        AssertAnalyzesTo(WordsQuery, "中国的发展", ["中国", "发展"], positions: [0, 3]);
        Assert.That(PhraseMatches(Tokens(Words, "中国的发展"), Tokens(WordsQuery, "中国的发展")), Is.True);
        AssertAnalyzesTo(WordsQuery, "The Economist", ["economist"]);
        Assert.That(NewsAnalysis.QueryStopWords, Does.Contain("的"));
    }

    [Test]
    public void TestSentenceBreaksKeepPhrasesApart()
    {
        var doc = Tokens(Words, "发展安全。交通规划\n规划建设");
        Assert.That(PhraseMatches(doc, Tokens(WordsQuery, "安全交通")), Is.False);
        Assert.That(PhraseMatches(doc, Tokens(WordsQuery, "交通规划")), Is.True);
        var grams = Tokens(Grams, "安全。交通");
        Assert.That(PhraseMatches(grams, Tokens(GramsQuery, "全交")), Is.False);
    }

    [Test]
    public void TestEmptyAndPunctuationOnlyText()
    {
        foreach (var field in NewsFields.TextFields)
        {
            AssertAnalyzesTo(A.IndexAnalyzer(field), "", []);
            AssertAnalyzesTo(A.IndexAnalyzer(field), " \r\n。，！？——", []);
            AssertAnalyzesTo(A.QueryAnalyzer(field), "的", field.EndsWith(".cjk") ? ["的"] : []);
        }
    }

    [Test]
    public void TestStreamIsReusableAndDoesNotAllocatePerToken()
    {
        string text = string.Concat(Enumerable.Repeat("株洲日报记者李逸峰报道：田心轨道交通产业社区建设启动，VR眼镜12345热线2.0。", 50));
        foreach (var field in NewsFields.TextFields)
        {
            var ts = A.IndexAnalyzer(field).CreateTokenStream();
            int first = Drain(ts, text);
            long before = GC.GetAllocatedBytesForCurrentThread();
            int second = Drain(ts, text);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(second, Is.EqualTo(first));
            Assert.That(allocated, Is.LessThan(1024), $"{field}: {allocated} bytes for {second} tokens");
        }
    }

    [Test]
    public void TestExplainCoversEveryField()
    {
        var result = A.Explain("轨道交通安全");
        Assert.That(result.Select(f => (f.Field, f.Chain)), Is.EquivalentTo(
            NewsFields.TextFields.Select(f => (f, "index")).Concat(NewsFields.TextFields.Select(f => (f, "query")))));
        var body = result.Single(f => f.Field == NewsFields.Body && f.Chain == "index");
        Assert.That(body.Tokens.Select(t => (t.Term, t.StartOffset, t.EndOffset, t.Position, t.Type)), Is.EqualTo(new[]
        {
            ("轨道交通", 0, 4, 0, "word"), ("轨道", 0, 2, 0, "subword"), ("交通", 2, 4, 2, "subword"), ("安全", 4, 6, 4, "word"),
        }));
    }

    [Test]
    public void TestUnknownFieldIsRejected()
    {
        Assert.Throws<ArgumentException>(() => A.IndexAnalyzer("author"));
        Assert.Throws<ArgumentException>(() => A.QueryAnalyzer("nope"));
    }

    [Test]
    public void TestSignature()
    {
        Assert.That(A.Signature.Name, Is.EqualTo("news-zh"));
        Assert.That(A.Signature.Version, Is.EqualTo(NewsAnalysis.AnalyzerVersion));
        Assert.That(A.Signature.DictionaryHash, Has.Length.EqualTo(16));
    }

    private static bool InToken(char c) => char.IsAsciiLetterOrDigit(c) || c == '.';

    private static int Drain(TokenStream ts, string text)
    {
        ts.SetText(text);
        int n = 0;
        while (ts.IncrementToken()) n++;
        return n;
    }

    /// <summary>A phrase query: some base position where every query token is in the doc at base + its position.</summary>
    internal static bool PhraseMatches(List<Tok> doc, List<Tok> query)
    {
        if (query.Count == 0) return false;
        var at = doc.Select(t => (t.Term, t.Position)).ToHashSet();
        foreach (var d in doc.Where(t => t.Term == query[0].Term))
        {
            int b = d.Position - query[0].Position;
            if (query.All(q => at.Contains((q.Term, b + q.Position)))) return true;
        }
        return false;
    }
}

[TestFixture]
public class NewsAnalyzerRobustnessTests
{
    [Test]
    public void TestRandomTextNeverBreaksOffsetsOrPositions()
    {
        var rnd = new Random(7);
        string[] pieces = ["轨道交通", "李逸峰", "ＡＢＣ", "abc", "12.5%", "-", "…", "。", "\r\n", " ", "𠀋", "\uD840", "\uDC0B", "é",
            "e\u0301", "㈱", "ﬁ", "한국어", "カタカナ", "Москва", "\u0000", "\uFFFF", "〇", "㐀", "丽"];
        var a = TestAnalysis.Instance;
        for (int round = 0; round < 300; round++)
        {
            var sb = new System.Text.StringBuilder();
            int n = rnd.Next(0, 40);
            for (int i = 0; i < n; i++) sb.Append(pieces[rnd.Next(pieces.Length)]);
            string text = sb.ToString();
            foreach (var field in NewsFields.TextFields)
                foreach (var analyzer in new[] { a.IndexAnalyzer(field), a.QueryAnalyzer(field) })
                {
                    var toks = AnalysisAssert.Tokens(analyzer, text);
                    int last = -1;
                    foreach (var t in toks)
                    {
                        Assert.That(t.Start >= 0 && t.End <= text.Length && t.Start < t.End, Is.True, $"{t} in '{text}'");
                        Assert.That(t.Position, Is.GreaterThanOrEqualTo(last), $"{t} in '{text}'");
                        Assert.That(t.Term, Is.Not.Empty);
                        last = t.Position;
                    }
                }
        }
    }

    [Test]
    public void TestStreamsOnManyThreadsAgreeWithOneThread()
    {
        var a = TestAnalysis.Instance;
        var lines = Directory.GetFiles(TestAnalysis.SharedFolder("seeds"), "*.txt").SelectMany(File.ReadAllLines)
            .Where(l => l.Length > 0).ToArray();
        string Render(TokenStream ts, string text)
        {
            ts.SetText(text);
            var sb = new System.Text.StringBuilder();
            while (ts.IncrementToken()) sb.Append(ts.Term).Append('@').Append(ts.StartOffset).Append('+').Append(ts.PositionIncrement).Append(' ');
            return sb.ToString();
        }
        var single = a.IndexAnalyzer(NewsFields.Body).CreateTokenStream();
        var expected = lines.Select(l => Render(single, l)).ToArray();
        var actual = new string[lines.Length];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var ts = a.IndexAnalyzer(NewsFields.Body).CreateTokenStream();
            for (int i = worker; i < lines.Length; i += 4) actual[i] = Render(ts, lines[i]);
        });
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void TestNullTextIsAClearError()
    {
        var ts = TestAnalysis.Instance.IndexAnalyzer(NewsFields.Body).CreateTokenStream();
        Assert.Throws<ArgumentNullException>(() => ts.SetText(null!));
    }
}
