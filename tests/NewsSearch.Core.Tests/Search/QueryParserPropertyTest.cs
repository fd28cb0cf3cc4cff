using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using NewsSearch.Core.Search;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// FsCheck over random and adversarial strings: the parser returns a query or throws QueryParseException, nothing
/// else, and always finishes (each parse runs under a generous watchdog, which only a hang would trip).
/// </summary>
[TestFixture]
public class QueryParserPropertyTest
{
    private static readonly string[] Pieces =
    [
        "(", ")", "（", "）", "\"", "“", "”", "\\", "*", "~", "~2", "^", "^2", "[", "]", "{", "}", ":", "：", "+", "-", "!",
        "&&", "||", "AND", "OR", "NOT", "TO", " TO ", "*:*", "date:", "title:", "body:", "author:", "kind:", "published:",
        "2026-01-01", "2026-01", "2026", "经济", "发展", "医保", "株机", "健", "a", "cov", "19", " ", "  ", "\t", "\n",
        "\uD800", "\uDC00", "\uDBFF\uDFFF", "𠀋", "\u3000", "\uFEFF", "\0", "。", "？", "'", "&", "<mark>",
    ];

    private static readonly Gen<string> PieceString =
        Gen.Elements(Pieces).ListOf().Select(l => string.Concat(l));

    private static readonly Gen<string> AnyChars =
        Gen.Choose(0, 0xFFFF).Select(c => (char)c).ArrayOf().Select(a => new string(a));

    private static readonly Gen<string> Nesting =
        from open in Gen.Choose(0, 3000)
        from close in Gen.Choose(0, 3000)
        from inner in Gen.Elements(Pieces)
        select new string('(', open) + inner + new string(')', close);

    private static readonly Gen<string> Huge =
        from piece in Gen.Elements(Pieces)
        from sep in Gen.Elements("", " ", "\"")
        select string.Concat(Enumerable.Repeat(piece + sep, 100_000 / Math.Max(1, (piece + sep).Length) + 1))[..100_000];

    private static readonly Gen<string> OnlyOperators =
        Gen.Elements("AND", "OR", "NOT", "&&", "||", "!", "+", "-", "(", ")", "^", "~", "*", ":", " ").ListOf().Select(l => string.Join(" ", l));

    private static readonly Gen<string> EndsInBackslashOrOpenQuote =
        from s in PieceString
        from tail in Gen.Elements("\\", "\"", "“", "date:[2026", "\"a b\"~", "title:", "a^", "(")
        select s + tail;

    private static readonly Gen<string> Queries = Gen.Frequency(
        (6, PieceString), (3, AnyChars), (1, Nesting), (1, Huge), (2, OnlyOperators), (2, EndsInBackslashOrOpenQuote));

    private static bool ParsesOrRefuses(QueryParser parser, string q)
    {
        var work = Task.Run(() =>
        {
            try { return parser.Parse(q) is not null; }
            catch (QueryParseException e) { return e.Message.Length > 0; }
        });
        if (!work.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException($"parse did not finish: {Show(q)}");
        return work.Result;
    }

    private static string Show(string q) => q.Length > 200 ? q[..200] + $"… ({q.Length} chars)" : q;

    [Test]
    public void TestParserOnlyEverReturnsAQueryOrThrowsQueryParseException()
    {
        var synonyms = SynonymSource.Fixed(SynonymMap.Parse("医保, 医疗保险\n株机 => 中车株机"));
        var parser = new QueryParser(f => TestAnalyzers.For(f, true), new QueryParserOptions { Synonyms = synonyms });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1500),
            Prop.ForAll(Arb.From(Queries), q => ParsesOrRefuses(parser, q)));
    }

    [Test]
    public void TestParserWithTheNewsAnalysisOnlyEverReturnsAQueryOrThrowsQueryParseException()
    {
        var parser = new QueryParser(TestAnalysis.Instance.QueryAnalyzer);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300),
            Prop.ForAll(Arb.From(Queries), q => ParsesOrRefuses(parser, q)));
    }

    [Test]
    public void TestLimitsThrowClearParseErrors()
    {
        var parser = new QueryParser(f => TestAnalyzers.For(f, true));
        Assert.That(() => parser.Parse(new string('(', 100) + "a" + new string(')', 100)),
            Throws.TypeOf<QueryParseException>().With.Message.Contains("nested deeper than 16"));
        Assert.That(() => parser.Parse(string.Join(' ', Enumerable.Range(0, 70).Select(i => "w" + i))),
            Throws.TypeOf<QueryParseException>().With.Message.Contains("at most 64"));
        Assert.That(() => parser.Parse("a\\"), Throws.TypeOf<QueryParseException>().With.Message.Contains("escapes nothing"));
        Assert.That(() => parser.Parse("\"a b"), Throws.TypeOf<QueryParseException>().With.Message.Contains("not closed"));
    }
}
