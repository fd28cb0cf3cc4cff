using NUnit.Framework;
using NewsSearch.Core.Highlight;
using NewsSearch.Core.Search;
using NewsSearch.Core.Tests.Search;

namespace NewsSearch.Core.Tests.Highlight;

[TestFixture]
public class HighlighterTest
{
    private static readonly QueryParser Parser = new(f => TestAnalyzers.For(f, true));
    private static readonly Highlighter Highlighter = new(f => TestAnalyzers.For(f, false));

    private static IReadOnlyList<HighlightTerm> Terms(string q) => HighlightTerms.Extract(Parser.Parse(q));

    private static string Whole(string text, string q) => Highlighter.HighlightAll(text, Terms(q), NewsFields.Body);

    [Test]
    public void TestMarkupInTextStaysEscapedAroundMarks()
    {
        string text = "自行车<b>可以</b>停在门口。<script>alert('x&y')</script>";
        Assert.That(Whole(text, "自行车"), Is.EqualTo(
            "<mark>自行车</mark>&lt;b&gt;可以&lt;/b&gt;停在门口。&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;"));
    }

    [Test]
    public void TestMatchInsideEscapedNeighbours() =>
        Assert.That(Whole("a<押金>b", "押金"), Is.EqualTo("a&lt;<mark>押金</mark>&gt;b"));

    [Test]
    public void TestQuotedPhraseIsOneSpan() =>
        Assert.That(Whole("市民办理押金退还的手续", "\"押金退还\""), Is.EqualTo("市民办理<mark>押金退还</mark>的手续"));

    [Test]
    public void TestPhraseWithSpaceInQueryIsOneSpan() =>
        Assert.That(Whole("市民办理押金退还的手续", "\"押金 退还\""), Is.EqualTo("市民办理<mark>押金退还</mark>的手续"));

    [Test]
    public void TestPhraseWordsApartAreNotMarked() =>
        Assert.That(Whole("押金将在七天内退还", "\"押金退还\""), Is.EqualTo("押金将在七天内退还"));

    [Test]
    public void TestBigramMatchesMergeIntoOneSpan() =>
        // 健宁 is no dictionary word and 稳健|宁静 split it: only the grams match, marked as one span.
        Assert.That(Whole("稳健宁静的生活", "健宁"), Is.EqualTo("稳<mark>健宁</mark>静的生活"));

    [Test]
    public void TestLongWordFoundAsOneSpan() =>
        Assert.That(Whole("办理公共自行车押金", "公共自行车"), Is.EqualTo("办理<mark>公共自行车</mark>押金"));

    [Test]
    public void TestSeparateWordsAreSeparateSpans() =>
        Assert.That(Whole("经济数据显示城市在发展", "经济 发展"), Is.EqualTo("<mark>经济</mark>数据显示城市在<mark>发展</mark>"));

    [Test]
    public void TestAdjacentWordsShareOneMark() =>
        Assert.That(Whole("办理公共自行车押金退费", "公共自行车 押金"), Is.EqualTo("办理<mark>公共自行车押金</mark>退费"));

    [Test]
    public void TestSingleCharacterMarksOnlyThatCharacter() =>
        Assert.That(Whole("健宁社区的健康服务", "健"), Is.EqualTo("<mark>健</mark>宁社区的<mark>健</mark>康服务"));

    [Test]
    public void TestLatinMatchIsCaseInsensitive() =>
        Assert.That(Whole("VR眼镜体验和COVID-19", "vr眼镜 covid-19"), Is.EqualTo("<mark>VR眼镜</mark>体验和<mark>COVID-19</mark>"));

    [Test]
    public void TestExcludedTermsAreNotMarked() =>
        Assert.That(Whole("自行车和押金", "自行车 -押金"), Is.EqualTo("<mark>自行车</mark>和押金"));

    [Test]
    public void TestFieldRestrictionOnlyMarksThatField()
    {
        var terms = Terms("title:押金");
        Assert.That(Highlighter.HighlightAll("押金", terms, NewsFields.Body), Is.EqualTo("押金"));
        Assert.That(Highlighter.HighlightAll("押金", terms, NewsFields.Title), Is.EqualTo("<mark>押金</mark>"));
    }

    [Test]
    public void TestOffsetsAfterSurrogatePairs()
    {
        // 𠀋 is one code point, two UTF-16 chars: marks must still land on the match.
        Assert.That(Whole("𠀋𠀋公共自行车𠀋", "公共自行车"), Is.EqualTo("𠀋𠀋<mark>公共自行车</mark>𠀋"));
    }

    [Test]
    public void TestFragmentsNeverSplitSurrogatePairs()
    {
        string filler = string.Concat(Enumerable.Repeat("𠀋", 200));
        string text = filler + "押金" + filler + "押金" + filler;
        var fragments = Highlighter.BestFragments(text, Terms("押金"), NewsFields.Body);
        Assert.That(fragments, Has.Count.EqualTo(2));
        foreach (var f in fragments)
        {
            Assert.That(f, Does.Contain("<mark>押金</mark>"));
            for (int i = 0; i < f.Length; i++)
            {
                if (char.IsHighSurrogate(f[i])) Assert.That(i + 1 < f.Length && char.IsLowSurrogate(f[i + 1]), f);
                if (char.IsLowSurrogate(f[i])) Assert.That(i > 0 && char.IsHighSurrogate(f[i - 1]), f);
            }
        }
    }

    [Test]
    public void TestBestFragmentsRankedByDistinctTermsAndBounded()
    {
        string pad = string.Concat(Enumerable.Repeat("城市社区", 40)) + "。";
        string text = "押金" + pad + "押金和退还" + pad + "押金" + pad + "押金" + pad + "押金";
        var fragments = Highlighter.BestFragments(text, Terms("押金 OR 退还"), NewsFields.Body);
        Assert.That(fragments, Has.Count.EqualTo(3));
        Assert.That(fragments[0], Does.Contain("<mark>押金</mark>和<mark>退还</mark>"));
        foreach (var f in fragments)
            Assert.That(f.Replace("<mark>", "").Replace("</mark>", "").Length,
                Is.LessThanOrEqualTo(Highlighter.Options.FragmentSize + 2), "the size plus an ellipsis at each end");
    }

    [Test]
    public void TestNoMatchGivesTheOpening()
    {
        string text = string.Concat(Enumerable.Repeat("城市社区。", 40));
        var fragments = Highlighter.BestFragments(text, Terms("押金"), NewsFields.Body);
        Assert.That(fragments, Has.Count.EqualTo(1));
        Assert.That(fragments[0], Does.StartWith("城市社区。"));
        Assert.That(fragments[0], Does.Not.Contain("<mark>"));
    }

    [Test]
    public void TestShortTextIsOneFragment() =>
        Assert.That(Highlighter.BestFragments("市民办理押金退还", Terms("押金"), NewsFields.Body),
            Is.EqualTo(new[] { "市民办理<mark>押金</mark>退还" }));

    [Test]
    public void TestExtractKeepsGramFormOfChineseWordsAndSkipsExclusions()
    {
        var terms = Terms("公共自行车 -押金 author:张三");
        Assert.That(terms.Select(t => t.Field + ":" + string.Join(" ", t.Terms)),
            Is.EquivalentTo(new[] { "title.cjk:公共 共自 自行 行车", "body.cjk:公共 共自 自行 行车" }));
    }

    [Test]
    public void TestExtractKeepsLatinWordForms()
    {
        var terms = Terms("VR眼镜");
        Assert.That(terms.Select(t => t.Field), Is.EquivalentTo(new[] { "title", "body" }));
    }

    [Test]
    public void TestSnippetStartsAtTextStartOrSentenceAndEndsAtSentenceEnd()
    {
        string sentence = "城市社区服务很好。";   // 9 chars
        string text = "社区开展押金退还活动" + string.Concat(Enumerable.Repeat(sentence, 30));
        var first = Highlighter.BestFragments(text, Terms("押金"), NewsFields.Body)[0];
        Assert.That(first, Does.StartWith("社区开展<mark>押金</mark>"), "a match near the start keeps the opening");
        Assert.That(first, Does.EndWith("。"), "ends at a sentence end, no ellipsis");

        string later = string.Concat(Enumerable.Repeat(sentence, 10)) + "社区押金退还" + string.Concat(Enumerable.Repeat(sentence, 10));
        var f = Highlighter.BestFragments(later, Terms("押金"), NewsFields.Body)[0];
        Assert.That(f, Does.StartWith("城市社区服务很好。").Or.StartWith("社区<mark>押金</mark>"), "starts at a sentence start");
    }

    [Test]
    public void TestFragmentsAreWholeSentencesUpToTheSize()
    {
        string text = "城市社区服务很好。" + "社区开展押金退还活动。" + "学生参加。" + string.Concat(Enumerable.Repeat("城市社区服务很好。", 30));
        var f = Highlighter.BestFragments(text, Terms("押金"), NewsFields.Body);
        Assert.That(f, Has.Count.EqualTo(1));
        Assert.That(f[0], Does.StartWith("社区开展<mark>押金</mark>退还活动。学生参加。"), "starts at the sentence holding the match");
        Assert.That(f[0], Does.EndWith("。"), "ends at a sentence end, no ellipsis");
        Assert.That(f[0].Length, Is.LessThanOrEqualTo(Highlighter.Options.FragmentSize + 13));
    }

    [Test]
    public void TestClosingQuoteStaysWithItsSentence()
    {
        string text = "他说：“押金退还很方便。”" + string.Concat(Enumerable.Repeat("城市社区服务很好。", 30));
        var f = BestFragments(text, "押金", 20)[0];
        Assert.That(f, Is.EqualTo("他说：“<mark>押金</mark>退还很方便。”"));
    }

    [Test]
    public void TestFragmentSizePerCall()
    {
        string text = string.Concat(Enumerable.Repeat("城市社区服务很好。", 5)) + "押金退还。" + string.Concat(Enumerable.Repeat("城市社区服务很好。", 30));
        var small = BestFragments(text, "押金", 20);
        var large = BestFragments(text, "押金", 200);
        Assert.That(small[0], Is.EqualTo("<mark>押金</mark>退还。城市社区服务很好。"));
        Assert.That(large[0].Length, Is.GreaterThan(150));
    }

    [Test]
    public void TestMoreDistinctWordsBeatMoreMatches()
    {
        string filler = string.Concat(Enumerable.Repeat("城市社区服务很好。", 20));
        string text = "押金押金押金押金。" + filler + "押金可以退还。" + filler;
        var f = BestFragments(text, "押金 OR 退还", 20);
        Assert.That(f[0], Is.EqualTo("<mark>押金</mark>可以<mark>退还</mark>。城市社区服务很好。"));
        Assert.That(f[1], Does.StartWith("<mark>押金押金押金押金</mark>。"));
    }

    [Test]
    public void TestNoMatchInTheBodyGivesTheLeadSentences()
    {
        string text = "第一句话。第二句话。" + string.Concat(Enumerable.Repeat("城市社区服务很好。", 30));
        var f = BestFragments(text, "押金", 30);
        Assert.That(f, Is.EqualTo(new[] { "第一句话。第二句话。城市社区服务很好。城市社区服务很好。" }), "as many lead sentences as fit");
    }

    private static IReadOnlyList<string> BestFragments(string text, string q, int size) =>
        Highlighter.BestFragments(text, Highlighter.FindSpans(text, Terms(q), NewsFields.Body), size);
}
