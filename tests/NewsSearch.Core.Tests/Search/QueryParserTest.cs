using NUnit.Framework;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Tests.Search;

[TestFixture]
public class QueryParserTest
{
    private static readonly QueryParser Parser = new(f => TestAnalyzers.For(f, true));

    private static string P(string q) => Parser.Parse(q).ToString();

    [Test]
    public void TestLongWordIsItsGramPhraseOrTheWordInEachField() =>
        // The word spells the phrase (word ⊆ phrase), so OR matches what the phrase alone does.
        Assert.That(P("公共自行车"), Is.EqualTo(
            "(title.cjk:\"公共 共自 自行 行车\"^0.6 title:公共自行车^2) (body.cjk:\"公共 共自 自行 行车\"^0.3 body:公共自行车)"));

    [Test]
    public void TestTwoCharWordIsAGramThatDecidesAndAWordTermThatAddsScore() =>
        Assert.That(P("高铁"), Is.EqualTo(
            "author:高铁 (+title.cjk:高铁^0.6 title:高铁^2) (+body.cjk:高铁^0.3 body:高铁)"));

    [Test]
    public void TestSeveralTokensFormAnExactPhraseAtAnalyzedPositionsWithoutStackedSubWords() =>
        Assert.That(P("轨道交通安全"), Is.EqualTo(
            "(+title.cjk:\"轨道 道交 交通 通安 安全\"^0.6 title:\"轨道交通 安全@4\"^2) (+body.cjk:\"轨道 道交 交通 通安 安全\"^0.3 body:\"轨道交通 安全@4\")"));

    [Test]
    public void TestSingleCjkCharIsWordTermOrGramPrefix() =>
        Assert.That(P("健"), Is.EqualTo("title:健^2 title.cjk:健*^0.6 body:健 body.cjk:健*^0.3"));

    private static readonly string AndOfTwoWords =
        "+(author:经济 (+title.cjk:经济^0.6 title:经济^2) (+body.cjk:经济^0.3 body:经济)) +(author:发展 (+title.cjk:发展^0.6 title:发展^2) (+body.cjk:发展^0.3 body:发展))";

    [Test]
    public void TestWordsAreAndedByDefault() =>
        Assert.That(new QueryParser(f => TestAnalyzers.For(f, true), new QueryParserOptions { ProximityWeight = 0 })
            .Parse("经济 发展").ToString(), Is.EqualTo(AndOfTwoWords));

    [Test]
    public void TestTwoPlainWordsGetAProximityBonusOverTheWordFields()
    {
        var parsed = Parser.ParseWithFallback("经济 发展");
        Assert.That(parsed.Query.ToString(), Is.EqualTo(AndOfTwoWords), "the bonus is not part of the matching query");
        Assert.That(parsed.Proximity!.ToString(), Is.EqualTo("body:\"经济 发展@2\"~8^0.3"));
        Assert.That(Parser.ParseWithFallback("经济").Proximity, Is.Null);
        Assert.That(Parser.ParseWithFallback("经济 OR 发展").Proximity, Is.Null);
        Assert.That(Parser.ParseWithFallback("经济 title:发展").Proximity, Is.Null, "only plain words");
    }

    [Test]
    public void TestDefaultAndHasAnOrFallbackButExplicitAndHasNone()
    {
        var parser = new QueryParser(f => TestAnalyzers.For(f, true), new QueryParserOptions { ProximityWeight = 0 });
        var parsed = parser.ParseWithFallback("经济 发展 -政治");
        Assert.That(parsed.OrFallback!.ToString(), Does.StartWith("(author:经济 ").And.EndWith("~1"));
        Assert.That(parsed.OrFallback.ToString(), Does.Contain("-(author:政治"), "exclusions stay exclusions");
        Assert.That(parser.ParseWithFallback("+经济 +发展").OrFallback, Is.Null);
        Assert.That(parser.ParseWithFallback("经济 AND 发展").OrFallback, Is.Null);
        Assert.That(parser.ParseWithFallback("经济 OR 发展").OrFallback, Is.Null);
        Assert.That(parser.ParseWithFallback("经济").OrFallback, Is.Null);
    }

    [Test]
    public void TestProximitySlopAfterAQuotedPhrase()
    {
        // Positions are characters in Chinese text: 发展 sits at 2. Text with a space has no gram clause.
        Assert.That(P("\"经济 发展\"~3"), Is.EqualTo("title:\"经济 发展@2\"~3^2 body:\"经济 发展@2\"~3"));
        Assert.That(P("body:\"经济 发展\"~2^3"), Is.EqualTo("body:\"经济 发展@2\"~2^3"));
        Assert.That(() => P("\"经济 发展\"~"), Throws.TypeOf<QueryParseException>().With.Message.Contains("Proximity"));
        Assert.That(() => P("\"经济 发展\"~99999"), Throws.TypeOf<QueryParseException>());
        Assert.That(() => P("\"经济 发展\"~2x"), Throws.TypeOf<QueryParseException>());
    }

    [Test]
    public void TestSloppyGramPhraseKeepsOnlyBigramsInsideWords()
    {
        // 经济发展 as words is 经济 + 发展; the bigram 济发 across them is dropped from the sloppy gram phrase.
        Assert.That(P("body:\"经济发展\"~4"), Is.EqualTo("+body.cjk:\"经济 发展@2\"~4^0.3 body:\"经济 发展@2\"~4"));
    }

    [Test]
    public void TestPrefixOnWordsAndItsErrors()
    {
        Assert.That(P("自行*"), Is.EqualTo("title:自行*^2 body:自行*"));
        Assert.That(P("title:COV*"), Is.EqualTo("title:cov*^2"));
        Assert.That(P("健*"), Is.EqualTo("title:健*^2 title.cjk:健*^0.6 body:健* body.cjk:健*^0.3"));
        Assert.That(P("author:李*"), Is.EqualTo("#author:李*"));
        Assert.That(P("自行\\*"), Does.Not.Contain("*"), "an escaped star is a character, not a prefix");
        Assert.That(() => P("*"), Throws.TypeOf<QueryParseException>().With.Message.Contains("prefix"));
        Assert.That(() => P("自*行"), Throws.TypeOf<QueryParseException>().With.Message.Contains("end of a word"));
        Assert.That(() => P("date:2026*"), Throws.TypeOf<QueryParseException>());
        Assert.That(() => P("kind:art*"), Throws.TypeOf<QueryParseException>());
    }

    [Test]
    public void TestMatchAllAndDateRangesWithOpenAndExclusiveEnds()
    {
        Assert.That(P("*:*"), Is.EqualTo("*:*"));
        // 2026-01-01 is day 20454 since 1970-01-01.
        Assert.That(P("date:[2026-01-01 TO 2026-01-31]"), Is.EqualTo("#published:[20454 TO 20484]"));
        Assert.That(P("date:{2026-01-01 TO 2026-01-31}"), Is.EqualTo("#published:[20455 TO 20483]"));
        Assert.That(P("date:[2026-01 TO *]"), Is.EqualTo("#published:[20454 TO *]"));
        Assert.That(P("date:{* TO 2026-02}"), Is.EqualTo("#published:[* TO 20484]"));
        Assert.That(() => P("title:[a TO b]"), Throws.TypeOf<QueryParseException>());
        Assert.That(() => P("date:[2026-01-01 2026-01-31]"), Throws.TypeOf<QueryParseException>());
        Assert.That(() => P("date:[2026-01-01 TO 2026-01-31"), Throws.TypeOf<QueryParseException>());
    }

    [Test]
    public void TestClauseLimitBoundsTheWorkOfOneQuery()
    {
        var parser = new QueryParser(f => TestAnalyzers.For(f, true), new QueryParserOptions { MaxClauses = 20 });
        Assert.That(() => parser.Parse("经济 发展 中国 社会 改革 创新"), Throws.TypeOf<QueryParseException>().With.Message.Contains("too complex"));
        Assert.That(() => Parser.Parse(new string('经', SearchRequest.MaxQueryLength + 1)), Throws.TypeOf<QueryParseException>().With.Message.Contains($"at most {SearchRequest.MaxQueryLength}"));
        Assert.That(() => Parser.Parse(new string('经', SearchRequest.MaxQueryLength)), Throws.Nothing, "a request's longest query is one word in Chinese");
    }

    [Test]
    public void TestSynonymsExpandUnquotedWordsOnly()
    {
        var synonyms = SynonymSource.Fixed(SynonymMap.Parse("医保, 医疗保险\n株机 => 中车株机\n"));
        var parser = new QueryParser(f => TestAnalyzers.For(f, true), new QueryParserOptions { Synonyms = synonyms, ProximityWeight = 0 });
        string q = parser.Parse("医保").ToString();
        Assert.That(q, Does.Contain("body.cjk:医保").And.Contain("body.cjk:\"医疗 疗保 保险\""));
        Assert.That(parser.Parse("医疗保险").ToString(), Does.Contain("body.cjk:医保"), "a group works both ways");
        Assert.That(parser.Parse("株机").ToString(), Does.Contain("中车"), "one-way: the left side searches the right");
        Assert.That(parser.Parse("中车株机").ToString(), Does.Not.Contain("(author:株机"), "and not back");
        Assert.That(parser.Parse("\"医保\"").ToString(), Does.Not.Contain("保险"), "a quoted word is exact");
    }

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
            Is.EqualTo("+(title.cjk:\"自行 行车\"^0.6 title:自行车^2)^3 -author:李逸峰"));
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
