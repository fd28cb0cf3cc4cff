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
    private static Analyzer Grams => A.IndexAnalyzer(NewsFields.BodyGrams);
    private static Analyzer GramsQuery => A.QueryAnalyzer(NewsFields.BodyGrams);

    [Test]
    public void TestSegmenterMatchesJiebaOnNewsSentence()
    {
        var seg = A.CreateSegmenter();
        Assert.That(seg.Cut("5月30日,田心轨道交通产业社区"),
            Is.EqualTo(new[] { "5", "月", "30", "日", ",", "田心", "轨道交通", "产业", "社区" }));
        Assert.That(seg.Cut("VR眼镜 12345热线 2.0 COVID-19 3.5%"),
            Is.EqualTo(new[] { "VR", "眼镜", " ", "12345", "热线", " ", "2.0", " ", "COVID", "-", "19", " ", "3.5%" }));
        Assert.That(seg.Cut("AT&T b超 abc.def  x\r\ny 𠀋字"),
            Is.EqualTo(new[] { "AT&T", " ", "b", "超", " ", "abc", ".", "def", " ", " ", "x", "\r\n", "y", " ", "𠀋", "字" }));
    }

    [Test]
    public void TestOOV()
    {
        // Not in the dictionary: the HMM keeps the name together, as jieba does.
        Assert.That(A.CreateSegmenter().Cut("株洲日报(全媒体记者/李逸峰 通讯员/冯帅)"),
            Is.EqualTo(new[] { "株洲", "日报", "(", "全", "媒体", "记者", "/", "李逸峰", " ", "通讯员", "/", "冯帅", ")" }));
        AssertAnalyzesTo(WordsQuery, "记者李逸峰", ["记者", "李逸峰"], [0, 2], [2, 5]);
    }

    [Test]
    public void TestOffsets()
    {
        AssertAnalyzesTo(Words, "田心轨道交通产业社区",
            ["田心", "轨道交通", "轨道", "交通", "产业", "社区"],
            [0, 2, 2, 4, 6, 8], [2, 6, 4, 6, 8, 10],
            positions: [0, 2, 2, 4, 6, 8]);
    }

    [Test]
    public void TestFullWidth()
    {
        // Full-width Latin, digits and punctuation fold to ASCII; offsets still point at the full-width chars.
        AssertAnalyzesTo(Words, "ＶＲ眼镜１２３４５热线", ["vr", "眼镜", "12345", "热线"],
            [0, 2, 4, 9], [2, 4, 9, 11], [TokenType.Latin, TokenType.Word, TokenType.Number, TokenType.Word]);
    }
}
