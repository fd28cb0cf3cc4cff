using System.Text;
using NewsSearch.Analysis.SmartCn;
using NewsSearch.Core.Analysis;
using NUnit.Framework;
using static NewsSearch.Core.Tests.Analysis.AnalysisAssert;

namespace NewsSearch.Core.Tests.Analysis;

/// <summary>One smartcn <see cref="NewsAnalysis"/> for the whole test run (SmartCn registered, jieba's cache shared).</summary>
public static class TestSmartCnAnalysis
{
    public static readonly string CacheDirectory = Path.Combine(Path.GetTempPath(), "newssearch-analysis-tests");

    private static readonly Lazy<NewsAnalysis> Shared = new(() => Load());

    public static NewsAnalysis Instance => Shared.Value;

    public static NewsAnalysis Load(string? userDictionary = null)
    {
        SmartCnWordSegmenter.Register();
        return NewsAnalysis.Load(new AnalysisOptions
        {
            CacheDirectory = CacheDirectory,
            UserDictionaryPath = userDictionary,
            WordAnalysis = WordAnalysisNames.SmartCn,
        });
    }
}

/// <summary>
/// `--analysis smartcn`: the word fields are cut by Lucene.Net's SmartCn (HMMChineseTokenizer), the gram fields are
/// ours and still find every substring. Sentences are our own.
/// </summary>
[TestFixture]
public class SmartCnAnalyzerTests
{
    private static NewsAnalysis A => TestSmartCnAnalysis.Instance;
    private static Analyzer Words => A.IndexAnalyzer(NewsFields.Body);
    private static Analyzer WordsQuery => A.QueryAnalyzer(NewsFields.Body);
    private static Analyzer GramsAll => A.HighlightAnalyzer(NewsFields.BodyGrams);
    private static Analyzer GramsIndex => A.IndexAnalyzer(NewsFields.BodyGrams);

    private static readonly TokenType W = TokenType.Word, Lat = TokenType.Latin, Num = TokenType.Number, Oth = TokenType.Other;

    private static readonly string[] OurSentences =
    [
        "市民在新建的公园里散步",
        "今年春节期间，全市共接待游客五十万人次。",
        "中华人民共和国成立七十五周年",
        "张小明说，地铁三号线将于明年开通。",
        "城区新增公共自行车站点三百个",
        "ＡＢＣ公司第１２３期，ﬁ值为３.５％",
        "版本2.0.1发布 3.14% 的用户升级了iPhone15。",
        "中 国\n人民\r\n广场  附近　有 停车场",
        "カタカナ・テスト 한국어 문장 中𠀋国 ㈱公司",
    ];

    [Test]
    public void TestWordFieldsTakeSmartCnWords()
    {
        AssertAnalyzesTo(Words, "市民在新建的公园里散步",
            ["市民", "在", "新建", "的", "公园", "里", "散步"],
            [0, 2, 3, 5, 6, 8, 9], [2, 3, 5, 6, 8, 9, 11], [W, W, W, W, W, W, W],
            positions: [0, 2, 3, 5, 6, 8, 9]);
        Assert.That(A.WordAnalysis, Is.EqualTo(WordAnalysisNames.SmartCn));
        Assert.That(Words.Name, Is.EqualTo("news-zh-smartcn-words"));
    }

    [Test]
    public void TestLongWordsStandWithoutSubWords()
    {
        // jieba's chain stacks dictionary sub-words under long words; SmartCn's words stand as it cut them, and the
        // pieces (共和国) are found through the gram field.
        AssertAnalyzesTo(Words, "中华人民共和国成立七十五周年",
            ["中华人民共和国", "成立", "七", "十", "五", "周年"],
            [0, 7, 9, 10, 11, 12], [7, 9, 10, 11, 12, 14], positions: [0, 7, 9, 10, 11, 12]);
        Assert.That(Tokens(Words, "中华人民共和国")[0].PositionLength, Is.EqualTo(7));
        Assert.That(Tokens(GramsIndex, "中华人民共和国").Select(t => t.Term), Is.SupersetOf(new[] { "共和", "和国" }));
    }

    [Test]
    public void TestQueryChainUsesSmartCnAndDropsStopWordsKeepingTheirPositions()
    {
        const string text = "张小明说，地铁三号线将于明年开通。";
        AssertAnalyzesTo(Words, text,
            ["张", "小", "明说", "地铁", "三", "号", "线", "将", "于", "明年", "开通"],
            [0, 1, 2, 5, 7, 8, 9, 10, 11, 12, 14], [1, 2, 4, 7, 8, 9, 10, 11, 12, 14, 16],
            positions: [0, 1, 2, 5, 7, 8, 9, 10, 11, 12, 14]);
        // 于 is a stop word: gone from the query, its position stays a hole; the sentence comma adds a gap in both.
        AssertAnalyzesTo(WordsQuery, text,
            ["张", "小", "明说", "地铁", "三", "号", "线", "将", "明年", "开通"],
            positions: [0, 1, 2, 5, 7, 8, 9, 10, 12, 14]);
        Assert.That(WordsQuery.Name, Is.EqualTo("news-zh-smartcn-words-query"));
    }

    [Test]
    public void TestOffsets()
    {
        // NFKC changes these (full-width letters and digits, the fi ligature, a full-width percent): tokens carry
        // the normalized term and offsets into the original text.
        AssertAnalyzesTo(Words, "ＡＢＣ公司第１２３期，ﬁ值为３.５％",
            ["abc", "公司", "第", "123", "期", "fi", "值", "为", "3.5"],
            [0, 3, 5, 6, 9, 11, 12, 13, 14], [3, 5, 6, 9, 10, 12, 13, 14, 17],
            [Lat, W, W, Num, W, Lat, W, W, Num]);
        // A decimal SmartCn cuts at its point is one number again, as in jieba's chain and the gram fields.
        AssertAnalyzesTo(Words, "增长3.14%", ["增长", "3.14"], [0, 2], [2, 6], [W, Num]);
        // One original char that NFKC turns into three: the Han char inside keeps the original char's span.
        var company = Tokens(Words, "本地㈱公司");
        Assert.That(company.Select(t => (t.Term, t.Start, t.End)), Does.Contain(("株", 2, 3)));
    }

    [Test]
    public void TestSpacesAndLineBreaks()
    {
        // SmartCn reads 中 国 as one word across the space; the word chain never holds a space inside a term.
        // A line break (which SmartCn skips) still keeps phrases apart: a gap of one position.
        AssertAnalyzesTo(Words, "中 国\n人民", ["中", "国", "人民"], [0, 2, 4], [1, 3, 6], positions: [0, 1, 3]);
        AssertAnalyzesTo(Words, "人民 广场", ["人民", "广场"], positions: [0, 2]);
    }

    [Test]
    public void TestEmptyAndWhitespaceText()
    {
        foreach (var text in new[] { "", " ", "\t\r\n", "　　", " \n \u2028 " })
            foreach (var field in NewsFields.TextFields)
            {
                AssertAnalyzesTo(A.IndexAnalyzer(field), text, []);
                AssertAnalyzesTo(A.QueryAnalyzer(field), text, []);
            }
    }

    [Test]
    public void TestLoneSurrogates()
    {
        // A pair SmartCn splits into two tokens is one Other token again; lone halves are dropped, never a crash.
        AssertAnalyzesTo(Words, "中\uD840\uDC0B国", ["中", "\uD840\uDC0B", "国"], [0, 1, 3], [1, 3, 4], [W, Oth, W]);
        foreach (var text in new[] { "前\uD800后", "\uDC00开头", "结尾\uD83D", "\uDC00\uD800", "甲\uD840\uD840\uDC0B乙" })
        {
            var words = Tokens(Words, text);
            AssertAnalyzesTo(Words, text, words.Select(t => t.Term).ToArray()); // offsets in range, spans non-empty
            Assert.That(words.Where(t => t.Term.Length == 1).All(t => !char.IsSurrogate(t.Term[0])), Is.True, text);
            AssertAnalyzesTo(GramsIndex, text, Tokens(GramsIndex, text).Select(t => t.Term).ToArray());
        }
        Assert.That(Tokens(Words, "甲\uD840\uD840\uDC0B乙").Select(t => t.Term), Is.EqualTo(new[] { "甲", "\uD840\uDC0B", "乙" }));
    }

    [Test]
    public void TestVeryLongText()
    {
        // SmartCn reads 1024 chars at a time and breaks them at sentences; a 100K-char text with and without
        // punctuation comes through whole: every Han char in exactly one word, offsets in order, in range.
        var sb = new StringBuilder();
        while (sb.Length < 100_000) sb.Append("市民在新建的公园里散步").Append(sb.Length % 7 == 0 ? "。" : "");
        foreach (var text in new[] { sb.ToString(), sb.ToString().Replace("。", "") })
        {
            var words = Tokens(Words, text);
            var covered = new int[text.Length];
            int lastStart = -1, lastPosition = -1;
            foreach (var t in words)
            {
                Assert.That(t.Start, Is.GreaterThan(lastStart));
                Assert.That(t.Position, Is.GreaterThan(lastPosition));
                Assert.That(t.End, Is.LessThanOrEqualTo(text.Length));
                Assert.That(text[t.Start..t.End], Is.EqualTo(t.Term));
                for (int i = t.Start; i < t.End; i++) covered[i]++;
                lastStart = t.Start;
                lastPosition = t.Position;
            }
            for (int i = 0; i < text.Length; i++)
                Assert.That(covered[i], Is.EqualTo(text[i] == '。' ? 0 : 1), $"char {i} '{text[i]}'");
            Assert.That(words[^1].End, Is.EqualTo(text.Length));
        }
    }

    [Test]
    public void TestSegmenterIsReusableAcrossTexts()
    {
        // One stream per thread, reset per text: the Lucene tokenizer underneath is reopened each time.
        var stream = Words.CreateTokenStream();
        string Run(string text)
        {
            stream.SetText(text);
            var terms = new List<string>();
            while (stream.IncrementToken()) terms.Add(stream.Term.ToString());
            return string.Join(" ", terms);
        }
        string first = Run(OurSentences[1]);
        Assert.That(Run(OurSentences[2]), Is.EqualTo("中华人民共和国 成立 七 十 五 周年"));
        Assert.That(Run(""), Is.Empty);
        Assert.That(Run(OurSentences[1]), Is.EqualTo(first));
        var raw = A.CreateWordSegmenter();
        Assert.That(raw.Segment("市民在新建的公园里散步"), Is.EqualTo(7));
        Assert.That(raw.Segment("市民"), Is.EqualTo(1));
    }

    [Test]
    public void TestStreamsOnManyThreadsAgree()
    {
        var expected = OurSentences.Select(s => string.Join(" ", Tokens(Words, s).Select(t => t.Term))).ToArray();
        var results = new string[8][];
        Parallel.For(0, 8, i =>
        {
            var stream = Words.CreateTokenStream();
            results[i] = OurSentences.Select(s =>
            {
                stream.SetText(s);
                var terms = new List<string>();
                while (stream.IncrementToken()) terms.Add(stream.Term.ToString());
                return string.Join(" ", terms);
            }).ToArray();
        });
        foreach (var r in results) Assert.That(r, Is.EqualTo(expected));
    }

    /// <summary>Our sentences plus random mixes of Han chars, kana, Latin, digits, punctuation, spaces and surrogates.</summary>
    private static IEnumerable<string> DedupeTexts()
    {
        foreach (var s in OurSentences) yield return s;
        const string alphabet = "市民公园新建的散步中华人民共和国成立周年地铁号线明年开通自行车站点小张说了在和是";
        string[] others = ["，", "。", " ", "\n", "ab", "12", "3.5", "カナ", "・", "\uD840\uDC0B", "\uD800", "、", "x", "　"];
        var rng = new Random(8);
        for (int n = 0; n < 400; n++)
        {
            var sb = new StringBuilder();
            int len = rng.Next(1, 60);
            while (sb.Length < len)
            {
                if (rng.Next(5) == 0) sb.Append(others[rng.Next(others.Length)]);
                else sb.Append(alphabet[rng.Next(alphabet.Length)]);
            }
            yield return sb.ToString();
        }
    }

    [Test]
    public void TestGramDedupeKeepsEveryBigramAtItsPlace()
    {
        // What search relies on (a gram clause reads bigram b at p from the gram field or the word field): every
        // bigram of the text is in exactly one of the two index fields, at the word chain's position of its first
        // char, and the Han bigrams of one run sit at consecutive positions, so any substring of 2+ Han chars is a
        // phrase. (Kana and hangul words are searched in the word field; a dropped katakana middle dot shares the
        // position of the char before it, with either segmenter.)
        int inWordField = 0, inGramField = 0;
        foreach (var text in DedupeTexts())
        {
            var words = Tokens(Words, text);
            var grams = Tokens(GramsIndex, text);
            var wordPairs = words.Where(t => t.Term.Length == 2 && t.Term.All(CharClass.IsCjk)).ToDictionary(t => t.Start);
            var gramPairs = grams.Where(t => t.Type == TokenType.Bigram).ToDictionary(t => t.Start);
            var all = Tokens(GramsAll, text).Where(t => t.Type == TokenType.Bigram).ToList();
            int previousStart = -2, previousPosition = -2;
            foreach (var bigram in all)
            {
                bool inWords = wordPairs.TryGetValue(bigram.Start, out var w) && w.Term == bigram.Term;
                bool inGrams = gramPairs.TryGetValue(bigram.Start, out var g) && g.Term == bigram.Term;
                Assert.That(inWords ^ inGrams, Is.True, $"bigram {bigram.Term}@{bigram.Start} of '{text}': word {inWords}, gram {inGrams}");
                int position = inWords ? w!.Position : g!.Position;
                if (!bigram.Term.All(CharClass.IsCjk)) continue;
                if (bigram.Start == previousStart + 1)
                    Assert.That(position, Is.EqualTo(previousPosition + 1), $"bigram {bigram.Term}@{bigram.Start} of '{text}'");
                (previousStart, previousPosition) = (bigram.Start, position);
                if (inWords) inWordField++; else inGramField++;
            }
            // Nothing else: neither field holds a Han pair the text does not have there.
            var allPairs = all.Select(t => (t.Term, t.Start)).ToHashSet();
            foreach (var t in gramPairs.Values.Concat(wordPairs.Values))
                Assert.That(allPairs.Contains((t.Term, t.Start)), Is.True, $"{t} of '{text}'");
        }
        Assert.That(inWordField, Is.GreaterThan(100), $"{inWordField} bigrams left to the word field, {inGramField} in the gram field");
        Assert.That(inGramField, Is.GreaterThan(inWordField));
    }

    [Test]
    public void TestEverySingleCjkCharStartsAGramOrAWordOfTheText()
    {
        foreach (var text in DedupeTexts())
        {
            var starts = Tokens(GramsIndex, text).Concat(Tokens(Words, text)).Select(t => t.Term[0]).ToHashSet();
            foreach (char c in text)
                if (CharClass.IsCjk(c)) Assert.That(starts.Contains(c), Is.True, $"char {c} of '{text}'");
        }
    }

    [Test]
    public void TestSignatureRecordsTheChoice()
    {
        var jieba = TestAnalysis.Instance;
        Assert.That(jieba.WordAnalysis, Is.EqualTo(WordAnalysisNames.Jieba), "jieba stays the default");
        Assert.That(jieba.Signature.Name, Is.EqualTo(NewsAnalysis.AnalyzerName));
        Assert.That(A.Signature.Name, Is.EqualTo("news-zh-smartcn"));
        Assert.That(A.Signature.Version, Is.EqualTo(NewsAnalysis.AnalyzerVersion));
        Assert.That(A.Signature.DictionaryHash, Does.Match("^[0-9a-f]{16}$"));
        Assert.That(A.Signature.ToString(), Is.Not.EqualTo(jieba.Signature.ToString()));
        Assert.That(A.Signature.ToString(), Does.StartWith("news-zh-smartcn/v"));

        // The newsroom dictionary changes jieba's words, not SmartCn's: only jieba's signature follows it.
        string userDict = Path.Combine(Path.GetTempPath(), $"newssearch-smartcn-userdict-{Guid.NewGuid():N}.txt");
        File.WriteAllText(userDict, "新建公园 100\n");
        try
        {
            Assert.That(TestSmartCnAnalysis.Load(userDict).Signature, Is.EqualTo(A.Signature));
            var jiebaWithUser = NewsAnalysis.Load(new AnalysisOptions { CacheDirectory = TestSmartCnAnalysis.CacheDirectory, UserDictionaryPath = userDict });
            Assert.That(jiebaWithUser.Signature, Is.Not.EqualTo(jieba.Signature));
        }
        finally { File.Delete(userDict); }
    }

    [Test]
    public void TestUnknownWordAnalysisIsAClearError()
    {
        var e = Assert.Throws<AnalysisLoadException>(() => NewsAnalysis.Load(new AnalysisOptions
        {
            CacheDirectory = TestSmartCnAnalysis.CacheDirectory,
            WordAnalysis = "ictclas",
        }));
        Assert.That(e!.Message, Does.Contain("'ictclas'").And.Contain("jieba").And.Contain("smartcn"));
        Assert.Throws<ArgumentException>(() => WordSegmenters.Register(new FakeJieba()));
    }

    private sealed class FakeJieba : IWordSegmenterFactory
    {
        public string Name => "jieba";
        public string Identity => "fake";
        public IWordSegmenter Create() => throw new NotSupportedException();
    }

    [Test]
    public void TestExplainShowsTheSmartCnChains()
    {
        var fields = A.Explain("市民在新建的公园里散步");
        Assert.That(fields.Where(f => f.Field == NewsFields.Body).Select(f => f.Analyzer),
            Is.EqualTo(new[] { "news-zh-smartcn-words", "news-zh-smartcn-words-query" }));
        Assert.That(fields.Where(f => f.Field == NewsFields.BodyGrams).Select(f => f.Analyzer),
            Is.EqualTo(new[] { "news-zh-grams", "news-zh-grams-query" }));
        Assert.That(fields.First(f => f.Field == NewsFields.Body).Tokens.Select(t => t.Term), Does.Contain("散步"));
    }
}
