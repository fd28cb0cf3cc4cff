using NUnit.Framework;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Tests.Search;

[TestFixture]
public class QueryParserTest
{
    private static readonly QueryParser Parser = new(f => TestAnalyzers.For(f, true));

    private static string P(string q) => Parser.Parse(q).ToString();

    [Test]
    public void TestLongWordIsAGramPhraseThatDecidesAndAWordTermThatAddsScoreInEachField() =>
        Assert.That(P("公共自行车"), Is.EqualTo(
            "(+title.cjk:\"公共 共自 自行 行车\"^0.6 title:公共自行车^2) (+body.cjk:\"公共 共自 自行 行车\"^0.3 body:公共自行车)"));

    [Test]
    public void TestSeveralTokensFormAnExactPhraseAtAnalyzedPositionsWithoutStackedSubWords() =>
        Assert.That(P("轨道交通安全"), Is.EqualTo(
            "(+title.cjk:\"轨道 道交 交通 通安 安全\"^0.6 title:\"轨道交通 安全@4\"^2) (+body.cjk:\"轨道 道交 交通 通安 安全\"^0.3 body:\"轨道交通 安全@4\")"));

    [Test]
    public void TestSingleCjkCharIsWordTermOrGramPrefix() =>
        Assert.That(P("健"), Is.EqualTo("title:健^2 title.cjk:健*^0.6 body:健 body.cjk:健*^0.3"));

    [Test]
    public void TestWordsAreAndedByDefault() =>
        Assert.That(P("经济 发展"), Is.EqualTo(
            "+(author:经济 (+title.cjk:经济^0.6 title:经济^2) (+body.cjk:经济^0.3 body:经济)) +(author:发展 (+title.cjk:发展^0.6 title:发展^2) (+body.cjk:发展^0.3 body:发展))"));

    [Test]
    public void TestShortChineseWordAlsoMatchesAnAuthorName()
    {
        Assert.That(P("李逸峰"), Does.StartWith("author:李逸峰 (+title.cjk:"));
        Assert.That(P("title:李逸峰"), Does.Not.Contain("author:"));
        Assert.That(P("公共自行车"), Does.Not.Contain("author:"), "five characters is no name");
    }

    [Test]
    public void TestAndBindsTighterThanOr() =>
        Assert.That(P("a OR b c"), Is.EqualTo("(title:a^2 body:a) (+(title:b^2 body:b) +(title:c^2 body:c))"));

    [Test]
    public void TestExplicitOperators()
    {
        Assert.That(P("a AND b"), Is.EqualTo(P("a b")));
        Assert.That(P("a && b"), Is.EqualTo(P("a b")));
        Assert.That(P("a || b"), Is.EqualTo(P("a OR b")));
        Assert.That(P("+a -b"), Is.EqualTo("+(title:a^2 body:a) -(title:b^2 body:b)"));
        Assert.That(P("a NOT b"), Is.EqualTo(P("+a -b")));
        Assert.That(P("a !b"), Is.EqualTo(P("+a -b")));
        Assert.That(P("a and b"), Is.EqualTo(P("a +and b")), "lowercase 'and' is a word");
    }

    [Test]
    public void TestQuotedPhraseKeepsStopWordHoles() =>
        Assert.That(P("\"押金 的 退还\""), Is.EqualTo("title:\"押金 退还@3\"^2 body:\"押金 退还@3\""));

    [Test]
    public void TestFullWidthQuotesAndParentheses()
    {
        Assert.That(P("“押金退还”"), Is.EqualTo(P("\"押金退还\"")));
        Assert.That(P("（押金 OR 高铁）经济"), Is.EqualTo(P("(押金 OR 高铁) 经济")));
    }

    [Test]
    public void TestFieldsAndBoost()
    {
        Assert.That(P("title:自行车^3 -author:李逸峰"),
            Is.EqualTo("+(+title.cjk:\"自行 行车\"^0.6 title:自行车^2)^3 -author:李逸峰"));
        Assert.That(P("body:(a b)"), Is.EqualTo("+body:a +body:b"));
        Assert.That(P("author:\"欧阳 娜娜\""), Is.EqualTo("#author:\"欧阳 娜娜\""));
        Assert.That(P("经济 -kind:notice"), Does.EndWith(" -kind:notice"));
        Assert.That(P("section:城市 经济"), Is.EqualTo("#section:城市 +(author:经济 (+title.cjk:经济^0.6 title:经济^2) (+body.cjk:经济^0.3 body:经济))"));
    }

    [Test]
    public void TestUnknownFieldIsPartOfTheWord() =>
        Assert.That(P("10:30"), Is.EqualTo("title:\"10 30\"^2 body:\"10 30\""));

    [Test]
    public void TestDates()
    {
        Assert.That(P("date:[2026-01-01 TO 2026-01-31]"), Is.EqualTo("#published:[20454 TO 20484]"));
        Assert.That(P("date:2026-01"), Is.EqualTo("#published:[20454 TO 20484]"));
        Assert.That(P("date:2026-01-05"), Is.EqualTo("#published:[20458 TO 20458]"));
        Assert.That(P("date:{2026-01-01 TO *]"), Is.EqualTo("#published:[20455 TO *]"));
        Assert.That(P("date:[* TO 2025]"), Is.EqualTo("#published:[* TO 20453]"));
    }

    [Test]
    public void TestOnlyExclusionsMeanEverythingElse() =>
        Assert.That(P("-押金"), Is.EqualTo("#*:* -(author:押金 (+title.cjk:押金^0.6 title:押金^2) (+body.cjk:押金^0.3 body:押金))"));

    [Test]
    public void TestStopWordsOnlyMatchNothingInWordFields() =>
        Assert.That(P("的 经济"), Does.Not.Contain("title:的"));

    [Test]
    public void TestEscapedSpecialCharacters() =>
        Assert.That(P(@"a\(b"), Is.EqualTo("title:\"a b\"^2 body:\"a b\""));

    [TestCase("\"公共自行车", 0, "quote")]
    [TestCase("经济 \"发展", 3, "quote")]
    [TestCase("(经济 发展", 0, "'('")]
    [TestCase("经济 发展)", 5, "')'")]
    [TestCase("()", 0, "Empty")]
    [TestCase("AND 经济", 0, "AND")]
    [TestCase("经济 AND", 3, "AND")]
    [TestCase("经济 OR", 3, "OR")]
    [TestCase("OR 经济", 0, "OR")]
    [TestCase("NOT", 0, "NOT")]
    [TestCase("title:", 0, "value")]
    [TestCase("title: 经济", 0, "value")]
    [TestCase("经济^x", 2, "Boost")]
    [TestCase("date:2026-13-01", 5, "Date")]
    [TestCase("date:[2026-01-01 2026-02-01]", 5, "range")]
    [TestCase("date:[2026-01-01 TO 2026-02-01", 5, "range")]
    [TestCase("经济:[1 TO 2]", 3, "range")]
    [TestCase("title:(author:张三)", 7, "group")]
    [TestCase("a\\", 1, "Escape")]
    public void TestBadSyntaxThrowsWithPosition(string q, int position, string messagePart)
    {
        var e = Assert.Throws<QueryParseException>(() => Parser.Parse(q));
        Assert.That(e!.Position, Is.EqualTo(position), e.Message);
        Assert.That(e.Message, Does.Contain(messagePart));
    }

    [Test]
    public void TestDeepNestingIsRefusedNotOverflowed()
    {
        string q = new string('(', 5000) + "a" + new string(')', 5000);
        Assert.Throws<QueryParseException>(() => Parser.Parse(q));
    }

    [Test]
    public void TestTooManyTermsIsRefused()
    {
        string q = string.Join(' ', Enumerable.Range(0, 100).Select(i => "w" + i));
        var e = Assert.Throws<QueryParseException>(() => Parser.Parse(q));
        Assert.That(e!.Message, Does.Contain("Too many terms"));
    }

    [Test]
    public void TestRandomInputEitherParsesOrThrowsQueryParseException()
    {
        var random = new Random(20260530);
        const string alphabet = "ab经济 ()\"“”+-!^:[]{}\\*?&|ANDORNOT0.title:author:date:-~，。（）";
        for (int n = 0; n < 5000; n++)
        {
            var chars = new char[random.Next(1, 24)];
            for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
            string q = new(chars);
            try { Parser.Parse(q); }
            catch (QueryParseException e) { Assert.That(e.Position, Is.InRange(-1, q.Length), q); }
        }
    }
}
