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
        // A title printed twice on a page is placed by its occurrence: the same on every parse.
        Assert.That(Parse(text + "\n\n" + text).Articles.Select(a => a.Id), Is.EqualTo(ids));
        Assert.That(ids.Take(page.Articles.Count / 2), Is.Not.EquivalentTo(Parse(text).Articles.Select(a => a.Id)),
            "a title unique on its page is its own place; a repeated one is not");
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

    [Test]
    public void TestRandomPagesNeverThrow()
    {
        // Pieces of page syntax in random order, plus random bytes through the decoder.
        string[] pieces = ["\n", "\n\n", "\r\n", "本报讯(记者 张三 通讯员 李四) ", "株洲日报全媒体记者/王娜", "(", ")", "（", "“", "”",
            "。", ",", "广告", "热线 28835396", "·", "就业·创业", "责任编辑:王", "℃", "今天", "记者/何春林 摄", "资料图", "遗失",
            "声明作废", "——摘自", "12345热线督办 ", "5月30日", "去年12月31日", "近日", "标题", "正文内容很长很长", "——", " ", "《"];
        var random = new Random(20260108);
        for (int round = 0; round < 300; round++)
        {
            var sb = new System.Text.StringBuilder();
            int n = random.Next(1, 120);
            for (int i = 0; i < n; i++) sb.Append(pieces[random.Next(pieces.Length)]);
            var page = PageParser.Parse(sb.ToString(), new PageParseOptions { SourceFile = "r.txt" });
            Assert.That(page.Articles.Select(a => a.Id).Distinct().Count(), Is.EqualTo(page.Articles.Count));
            foreach (var a in page.Articles)
                Assert.That(a.SourceStartLine!.Value, Is.LessThanOrEqualTo(a.SourceEndLine!.Value));

            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            var decoded = PageDecoder.Decode(bytes, "r.bin");
            Assert.That(PageParser.Parse(decoded.Text).Articles, Is.Not.Null);
        }
    }

    [Test]
    public void TestPageJumpMarkers()
    {
        const string text = """
            城市绿道全线贯通

            本报讯(记者 张三) 5月6日,全长42公里的城市绿道全线贯通,串起沿江公园和老城街巷。(下转第2版)

            (上接第1版)市民可沿途骑行、慢跑,沿线设有驿站12座。

            (下转第3版)
            """;
        var page = Parse(text);
        Assert.That(page.Articles.Select(a => a.Kind), Is.EqualTo(new[] { ArticleKind.Article, ArticleKind.Continuation }));
        Assert.That(page.Articles[0].Body, Is.EqualTo("5月6日,全长42公里的城市绿道全线贯通,串起沿江公园和老城街巷。"));
        Assert.That(page.Articles[1].Body, Is.EqualTo("市民可沿途骑行、慢跑,沿线设有驿站12座。"));
    }

    [TestCase("(下转第2版)", true, 7)]
    [TestCase("（上接1版）正文", true, 6)]
    [TestCase("正文。(下转第2版)", false, 7)]
    [TestCase("(记者 张三)正文", true, 0)]
    [TestCase("正文(2025年版)", false, 0)]
    public void TestJumpMarkerLength(string s, bool atStart, int length) =>
        Assert.That(PageParser.JumpMarkerLength(s, atStart), Is.EqualTo(length));

    [TestCase("滨河公园城市书房效果图。记者/张三 摄", true)]
    [TestCase("株洲创业导师参加选拔赛并获奖。资料图 记者/何春林摄", true)]
    [TestCase("市民在公园赏花。图/张三", true)]
    [TestCase("志愿者在社区清理杂物。摄影：李四 王五", true)]
    [TestCase("施工现场。(资料图)", true)]
    [TestCase("记者在现场拍摄", false)]
    [TestCase("该项目由市住建局统筹,具体见附图:", false)]
    [TestCase("工作人员表示,可以拍照或摄像", false)]
    public void TestCaptionLines(string line, bool caption) => Assert.That(PageParser.IsCaption(line), Is.EqualTo(caption));

    [Test]
    public void TestTrailingBylineBelongsToTheArticleAbove()
    {
        const string text = """
            12345热线督办 小区路灯修好了

            3月1日,市民反映小区门口路灯不亮,当晚即修复。

            (记者 张三)

            公园新添健身器材

            本报讯(记者 李四) 3月2日,滨河公园新添健身器材20套。

            本报记者 王五
            """;
        var page = Parse(text);
        Assert.That(page.Articles.Select(a => a.Title), Is.EqualTo(new[] { "小区路灯修好了", "公园新添健身器材" }));
        Assert.That(page.Articles[0].Reporters, Is.EqualTo(new[] { "张三" }));
        Assert.That(page.Articles[0].Body, Does.Not.Contain("张三"));
        Assert.That(page.Articles[1].Reporters, Is.EqualTo(new[] { "李四" }), "a trailing byline does not override the leading one");
        Assert.That(page.Warnings, Is.Empty);
    }

    [Test]
    public void TestFullWidthPunctuationWireBylineAndDashSubtitle()
    {
        const string text = """
            文体·旅游

            责任编辑：周晓

            全国龙舟邀请赛在湘江开赛

            新华社长沙6月2日电（记者 钱七 孙八）6月2日上午，全国龙舟邀请赛在湘江风光带开赛，来自全国的32支队伍同场竞技。



            龙舟队员奋力划桨。新华社记者 李九 摄

            主办方介绍，本次比赛还设置了非遗展示区，游客可以现场体验龙舟彩绘和粽子制作。

            夏季旅游季启动 推出十条精品线路

            ——暑期文旅消费持续升温

            本报讯（记者 周十 通讯员 吴一）6月1日，我市夏季旅游季启动，并发放文旅消费券

            500万元。

            “读书使人充实。”

            ——培根
            """;
        var page = Parse(text);
        Assert.That(page.Section, Is.EqualTo("文体·旅游"));
        Assert.That(page.Editor, Is.EqualTo("周晓"));
        var boats = page.Articles[0];
        Assert.That((boats.Title, boats.PublishedAt), Is.EqualTo(("全国龙舟邀请赛在湘江开赛", (DateOnly?)new DateOnly(2026, 6, 2))));
        Assert.That(boats.Reporters, Is.EqualTo(new[] { "钱七", "孙八" }));
        Assert.That(boats.Captions, Is.EqualTo(new[] { "龙舟队员奋力划桨。新华社记者 李九 摄" }));
        var tour = page.Articles[1];
        Assert.That(tour.Subtitle, Is.EqualTo("暑期文旅消费持续升温"));
        Assert.That(tour.Body, Is.EqualTo("6月1日，我市夏季旅游季启动，并发放文旅消费券500万元。"), "the quote box at the end stays out");
        Assert.That(page.Articles, Has.Count.EqualTo(2));
    }

    [Test]
    public void TestHeadlineEndingWithAQuestionMark()
    {
        const string text = """
            端午出游，你准备好了吗？

            本报讯(记者 张三) 6月1日,记者走访多家旅行社了解到,端午短途游预订火爆。

            “活动很实用！”

            游客们纷纷表示。
            """;
        var page = Parse(text);
        Assert.That(page.Articles.Single().Title, Is.EqualTo("端午出游，你准备好了吗？"));
        Assert.That(page.Articles.Single().Body.Split('\n'), Has.Length.EqualTo(3));
    }

    [Test]
    public void TestFolioGivesThePageDateAndStaysOut()
    {
        const string text = """
            2026年1月8日 星期四

            A3 要闻

            社会新闻

            本版责任编辑：刘洋

            公园新添健身器材

            本报讯(记者 李四) 近日,滨河公园新添健身器材20套。
            """;
        var page = PageParser.Parse(text, new PageParseOptions { SourceFile = "f.txt" });
        var a = page.Articles.Single();
        Assert.That(a.Title, Is.EqualTo("公园新添健身器材"));
        Assert.That(a.PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 8)));
        Assert.That(a.DateSource, Is.EqualTo("近日=page-date(folio)"));
        Assert.That((a.Section, a.Editor), Is.EqualTo(("社会新闻", "刘洋")));
    }

    [TestCase("2026年1月8日 星期四", true)]
    [TestCase("第3版", true)]
    [TestCase("A3", true)]
    [TestCase("A3 要闻", true)]
    [TestCase("3版 要闻", true)]
    [TestCase("30万元的投资", false)]
    [TestCase("A股市场回暖", false)]
    [TestCase("5G基站建设提速", false)]
    [TestCase("活动每星期六举行。", false)]
    public void TestFolioLines(string line, bool folio) => Assert.That(PageParser.IsFolio(line, out _), Is.EqualTo(folio));
}
