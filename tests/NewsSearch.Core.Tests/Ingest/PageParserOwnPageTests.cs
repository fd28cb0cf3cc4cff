using NUnit.Framework;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

/// <summary>A page we wrote in the 本报讯(记者 … 通讯员 …) style: caption inside a paragraph, weather box, notice.</summary>
[TestFixture]
public class PageParserOwnPageTests
{
    private static ParsedPage Parse(string? text = null) =>
        PageParser.Parse(text ?? File.ReadAllText(TestPaths.Resource("benbao_page.txt")),
            new PageParseOptions { SourceFile = "benbao_page.txt", Year = 2026 });

    [Test]
    public void TestArticlesAndAuthors()
    {
        var page = Parse();
        var articles = page.Articles.Where(a => a.Kind == ArticleKind.Article).ToList();
        Assert.That(articles.Select(a => a.Title), Is.EqualTo(new[]
        {
            "河东区启动城市书房建设 年内建成15家", "新能源公交线路增至30条", "春季植树活动吸引千名市民参与",
        }));
        Assert.That(articles[0].Reporters, Is.EqualTo(new[] { "张三" }));
        Assert.That(articles[0].Correspondents, Is.EqualTo(new[] { "李四" }));
        Assert.That(articles[0].Authors, Is.EqualTo(new[] { "张三", "李四" }));
        Assert.That(articles[1].Reporters, Is.EqualTo(new[] { "王五" }));
        Assert.That(articles[1].Correspondents, Is.Empty);
        Assert.That(articles[2].Reporters, Is.EqualTo(new[] { "赵六" }), "byline on its own line: 本报记者 赵六");
    }

    [Test]
    public void TestCaptionInterruptingAParagraph()
    {
        var books = Parse().Articles.First();
        Assert.That(books.Captions, Is.EqualTo(new[] { "滨河公园城市书房效果图。记者/张三 摄" }));
        Assert.That(books.Body, Does.Contain("藏书两万余册,预计6月对外开放。"));
        Assert.That(books.Body, Does.Not.Contain("效果图"));
        Assert.That(books.Body.Split('\n'), Has.Length.EqualTo(3));
        Assert.That(books.Body, Does.StartWith("4月8日,河东区城市书房建设推进会召开"), "the byline is not part of the body");
    }

    [Test]
    public void TestWeatherBoxAndNoticeStayOut()
    {
        var page = Parse();
        var bus = page.Articles.Single(a => a.Title == "新能源公交线路增至30条");
        foreach (var bad in new[] { "晴转多云", "℃", "气象台", "今天", "遗失", "公章" })
            Assert.That(bus.Body, Does.Not.Contain(bad));
        Assert.That(bus.Body.Split('\n'), Has.Length.EqualTo(2));
        var notice = page.Articles.Single(a => a.Kind == ArticleKind.Notice);
        Assert.That(notice.Body, Is.EqualTo("遗失声明:河东区明达商贸有限公司遗失公章一枚,声明作废。"));
        Assert.That(page.Articles.Count(a => a.Kind == ArticleKind.Continuation), Is.Zero);
    }

    [Test]
    public void TestDates()
    {
        var page = Parse();
        Assert.That(page.Articles[0].PublishedAt, Is.EqualTo(new DateOnly(2026, 4, 8)));
        Assert.That(page.Articles[1].PublishedAt, Is.EqualTo(new DateOnly(2026, 4, 7)));
        var trees = page.Articles.Single(a => a.Title == "春季植树活动吸引千名市民参与");
        Assert.That(trees.PublishedAt, Is.EqualTo(page.PageDate));
        Assert.That(trees.DateSource, Does.StartWith("page-date"));
    }

    [Test]
    public void TestCrlfGivesTheSameArticles()
    {
        var text = File.ReadAllText(TestPaths.Resource("benbao_page.txt")).Replace("\r\n", "\n");
        var lf = Parse(text).Articles;
        var crlf = Parse(text.Replace("\n", "\r\n")).Articles;
        Assert.That(crlf.Select(ArticleStore.ContentHash), Is.EqualTo(lf.Select(ArticleStore.ContentHash)));
        Assert.That(crlf.All(a => !a.Body.Contains('\r') && !a.Title.Contains('\r')), Is.True);
    }

    [Test]
    public void TestDuplicateHeadlinesGetDistinctIds()
    {
        var text = File.ReadAllText(TestPaths.Resource("benbao_page.txt"));
        var page = Parse(text + "\n\n" + text);
        var ids = page.Articles.Select(a => a.Id).ToList();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
        Assert.That(ids.Take(page.Articles.Count / 2), Is.EqualTo(Parse(text).Articles.Select(a => a.Id)), "the first copy keeps its ids");
    }

    [Test]
    public void TestEmptyAndJunkInputDoNotThrow()
    {
        Assert.That(Parse("").Articles, Is.Empty);
        Assert.That(Parse("\n\n   \n").Articles, Is.Empty);
        var junk = Parse("（（（）\n本报讯(\n”“”\n——\n株洲日报(记者/\n" + new string('字', 5000));
        Assert.That(junk.Articles, Is.Not.Null);
    }

    [Test]
    public void TestHugePagesOfOpenLinesAndBannersStayLinear()
    {
        // 4000 long lines that never end a sentence, 2000 banners and bylines: must parse, not crawl.
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 4000; i++) sb.Append("这是一段没有句号的文字用来测试分栏接续").Append(i % 10).Append("而且还要再长一些以免被当作标题来处理的内容\n\n");
        for (int i = 0; i < 2000; i++) sb.Append("要闻·本地\n\n标题").Append(i).Append("\n\n本报讯(记者 张三) 正文。\n\n");
        var page = Parse(sb.ToString());
        Assert.That(page.Articles.Count(a => a.Kind == ArticleKind.Article), Is.EqualTo(2000));
        Assert.That(page.Articles.All(a => a.Kind != ArticleKind.Article || a.Section == "要闻·本地"), Is.True);
    }
}
