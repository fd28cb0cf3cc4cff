using NUnit.Framework;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

/// <summary>Layout rules on a page of our own paper (云溪日报): banners, kickers, two-line headlines, boxes.</summary>
[TestFixture]
public class PageLayoutTests
{
    private static ParsedPage Page() =>
        PageParser.Parse(File.ReadAllText(TestPaths.Resource("yunxi_layout_page.txt")), new PageParseOptions { SourceFile = "A02.txt", Year = 2026 });

    private static Article Find(ParsedPage page, string title) => page.Articles.Single(a => a.Title == title);

    [Test]
    public void TestPageHeadBannerIsTheSectionNotAHeadline()
    {
        var page = Page();
        Assert.That(page.Section, Is.EqualTo("本地"));
        Assert.That(page.Articles.All(a => a.Section == "本地"), Is.True);
        Assert.That(page.Articles.Any(a => a.Title.Contains("本地")), Is.False);
    }

    [Test]
    public void TestEveryArticleAndNothingElse()
    {
        var page = Page();
        Assert.That(page.Articles.Select(a => (a.Kind, a.Title)), Is.EqualTo(new[]
        {
            (ArticleKind.Article, "背街小巷的路灯全部亮了"),
            (ArticleKind.Article, "云溪老城 焕发新活力"),
            (ArticleKind.Article, "江北新区新增三所幼儿园"),
            (ArticleKind.Article, "公园里的夜跑 成了新时尚"),
        }));
    }

    [Test]
    public void TestShortLineAboveAHeadlineIsItsKicker()
    {
        var lights = Find(Page(), "背街小巷的路灯全部亮了");
        Assert.That(lights.Kicker, Is.EqualTo("民生关注"));
        Assert.That(lights.Reporters, Is.EqualTo(new[] { "林晓" }));
    }

    [Test]
    public void TestDashLineIsTheSubtitle() =>
        Assert.That(Find(Page(), "江北新区新增三所幼儿园").Subtitle, Is.EqualTo("秋季学期可提供学位1200个"));

    [TestCase("背街小巷的路灯全部亮了", "今日提醒", "滨江路北段夜间封闭施工")]
    [TestCase("云溪老城 焕发新活力", "服务信息", "咨询电话")]
    [TestCase("江北新区新增三所幼儿园", "今日天气", "22~30℃")]
    public void TestBoxHeadingAndLinesStayOutOfTheArticleBefore(string title, string heading, string line)
    {
        var body = Find(Page(), title).Body;
        Assert.That(body, Does.Not.Contain(heading));
        Assert.That(body, Does.Not.Contain(line));
        Assert.That(body, Does.EndWith("。"));
    }

    [Test]
    public void TestBannerAfterAPageNumber()
    {
        var page = PageParser.Parse("A2 文体\n\n少年足球联赛开赛\n\n云溪日报讯(记者/温静) 6月1日,全市少年足球联赛开赛。\n",
            new PageParseOptions { SourceFile = "A02.txt", Year = 2026 });
        Assert.That(page.Section, Is.EqualTo("文体"));
        Assert.That(page.Articles.Single().Section, Is.EqualTo("文体"));
    }

    [Test]
    public void TestShortHeadlineRightAboveItsBylineIsNoBanner()
    {
        var page = PageParser.Parse("综合新闻\n\n云溪日报讯(记者/温静) 6月1日,全市少年足球联赛开赛。\n",
            new PageParseOptions { SourceFile = "A02.txt", Year = 2026 });
        Assert.That(page.Articles.Single().Title, Is.EqualTo("综合新闻"));
    }

    [Test]
    public void TestNoKnownColumnListIsNeeded() => Assert.That(PageParseOptions.DefaultKickers, Is.Empty);
}
