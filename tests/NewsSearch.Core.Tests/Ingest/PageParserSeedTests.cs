using NUnit.Framework;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

/// <summary>The two real seed pages: every article listed by hand from reading them.</summary>
[TestFixture]
public class PageParserSeedTests
{
    private static ParsedPage Page(string name, int year) =>
        PageParser.Parse(File.ReadAllText(TestPaths.Seed(name)), new PageParseOptions { SourceFile = name, Year = year });

    private static Article Find(ParsedPage page, string title) =>
        page.Articles.Single(a => a.Kind == ArticleKind.Article && a.Title == title);

    // title, reporters, correspondents — in page order.
    private static readonly (string Title, string[] Reporters, string[] Correspondents)[] Expected000 =
    [
        ("田心轨道交通产业社区建设启动", ["李逸峰"], ["冯帅"]),
        ("中医夜市2.0升级版来了", ["赖杰琦"], ["陈娜"]),
        ("2025年株洲市科技活动周开幕", ["陈驰"], []),
        ("湖南工业绿色低碳技术目录发布 株洲入选数量居全省第二", ["王娜"], ["谢军", "罗丹"]),
        ("“零距离”旁听庭审 “沉浸式”警示教育", ["周圆"], []),
        ("端午假期有暴雨", ["王娜"], []),
        ("民生补短提质攻坚成绩单发布", ["何春林"], ["叶云程", "程海亮"]),
        ("市人社局获评“全国文明单位”", ["何春林"], ["唐向东"]),
        ("桂林高校来株推荐毕业生", ["何春林"], ["谭志斌"]),
        ("湖南省创业公共服务平台上线 为大学生创业提供多种服务", ["何春林"], []),
    ];

    private static readonly (string Title, string[] Reporters, string[] Correspondents)[] Expected003 =
    [
        ("石峰区提出“十五五”目标—— 打造“五个新石峰”", ["李逸峰"], ["冯帅"]),
        ("中车株机、中车株洲所 摘得国家级管理创新大奖", ["王娜"], []),
        ("株洲航电枢纽扩机工程 有望年底投产发电", ["邹怡敏"], ["田婧杨", "曾俊敏"]),
        ("表彰志愿者 弘扬正能量", ["李逸峰"], ["沈嗣"]),
        ("市民争相办理公共自行车押金退费,株洲公交健宁回应“无需扎堆” 退卡退费无时限 线上线下一体办", ["廖明"], []),
        ("电线贯穿树木 12345热线协调排隐患", ["廖智勇"], []),
        ("百井村有望不再打井喝水", [], []),
        ("市委宣讲团走进工信系统 凝聚产业强市思想共识", ["王娜"], []),
        ("以精准监督规范涉企执法", ["陈正明"], ["汤星宇", "邹亮"]),
        ("工伤预防培训 为劳动者撑起安全伞", ["何春林"], ["叶云轩"]),
    ];

    // Text that is on the pages but belongs to no article body: ads, notices, captions, weather, banners, quote box.
    private static readonly string[] NotInAnyBody =
    [
        "28835396", "广告", "接待", "资料图", "何春林摄", "记者/何春林", "记者/廖智勇", "木桩。",
        "风力", "市气象台5月30日16时发布", "20~28℃", "茶陵、炎陵小雨转多云", "24~31℃\n",
        "就业·创业", "责任编辑", "王建设", "81430204MC79043725", "工会法人资格证书",
        "——摘自", "推动经济社会发展绿色化、低碳化是实现高质量发展的关键环节",
        "株洲创业导师参加", "市人社局组织创业项目展示交流活动", "市人社局组织企业走进桂林高校招才",
    ];

    [Test]
    public void TestPage000ArticlesTitlesAndAuthors()
    {
        var page = Page(TestPaths.Page000, 2025);
        var articles = page.Articles.Where(a => a.Kind == ArticleKind.Article).ToList();
        Assert.That(articles.Select(a => a.Title), Is.EqualTo(Expected000.Select(e => e.Title)));
        for (int i = 0; i < Expected000.Length; i++)
        {
            Assert.That(articles[i].Reporters, Is.EqualTo(Expected000[i].Reporters), articles[i].Title);
            Assert.That(articles[i].Correspondents, Is.EqualTo(Expected000[i].Correspondents), articles[i].Title);
        }
        Assert.That(page.Articles.Count(a => a.Kind != ArticleKind.Article), Is.Zero, "page 000 has no notice and no fragment");
    }

    [Test]
    public void TestPage003ArticlesTitlesAndAuthors()
    {
        var page = Page(TestPaths.Page003, 2026);
        var articles = page.Articles.Where(a => a.Kind == ArticleKind.Article).ToList();
        Assert.That(articles.Select(a => a.Title), Is.EqualTo(Expected003.Select(e => e.Title)));
        for (int i = 0; i < Expected003.Length; i++)
        {
            Assert.That(articles[i].Reporters, Is.EqualTo(Expected003[i].Reporters), articles[i].Title);
            Assert.That(articles[i].Correspondents, Is.EqualTo(Expected003[i].Correspondents), articles[i].Title);
        }
    }

    [Test]
    public void TestSubtitlesAndKickers()
    {
        var p0 = Page(TestPaths.Page000, 2025);
        var green = Find(p0, "湖南工业绿色低碳技术目录发布 株洲入选数量居全省第二");
        Assert.That(green.Subtitle, Is.EqualTo("工业领域碳达峰碳中和的“株洲故事”"));
        Assert.That(green.Kicker, Is.EqualTo("理事有理"));
        Assert.That(Find(p0, "民生补短提质攻坚成绩单发布").Subtitle, Is.EqualTo("40个项目入驻省大学生创业项目库"));
        Assert.That(Find(p0, "端午假期有暴雨").Subtitle, Is.Null);

        var p3 = Page(TestPaths.Page003, 2026);
        Assert.That(Find(p3, "百井村有望不再打井喝水").Kicker, Is.EqualTo("12345热线督办"));
        Assert.That(Find(p3, "市委宣讲团走进工信系统 凝聚产业强市思想共识").Kicker, Is.EqualTo("学习贯彻党的 二十届四中全会精神"));
    }

    [Test]
    public void TestNoAdNoticeCaptionWeatherOrBannerInAnyBody()
    {
        foreach (var (name, year) in new[] { (TestPaths.Page000, 2025), (TestPaths.Page003, 2026) })
        {
            var page = Page(name, year);
            foreach (var a in page.Articles.Where(a => a.Kind != ArticleKind.Notice))
                foreach (var bad in NotInAnyBody)
                    Assert.That(a.Body, Does.Not.Contain(bad), $"{name} / {a.Title}");
        }
    }

    [Test]
    public void TestColumnJumpsJoined()
    {
        var p0 = Page(TestPaths.Page000, 2025);
        Assert.That(Find(p0, "田心轨道交通产业社区建设启动").Body, Does.Contain("产城融合样本"));
        Assert.That(Find(p0, "市人社局获评“全国文明单位”").Body, Does.Contain("民生可感行动"));
        Assert.That(Find(p0, "湖南工业绿色低碳技术目录发布 株洲入选数量居全省第二").Body, Does.Contain("绿色高效回收"));
        Assert.That(Find(p0, "湖南工业绿色低碳技术目录发布 株洲入选数量居全省第二").Body, Does.Contain("碳达峰中和息息相关"));
        Assert.That(Find(p0, "2025年株洲市科技活动周开幕").Body, Does.Contain("助力“培育制造名城、建设幸福株洲”。"));
        Assert.That(Find(p0, "民生补短提质攻坚成绩单发布").Body, Does.Contain("每月可以赚2000多元"));
        Assert.That(Find(p0, "民生补短提质攻坚成绩单发布").Body, Does.Contain("又获得了30万元的投资"));
        Assert.That(Find(p0, "湖南省创业公共服务平台上线 为大学生创业提供多种服务").Body, Does.Contain("汇总了大学生创业导师团资源"));
        var p3 = Page(TestPaths.Page003, 2026);
        Assert.That(Find(p3, "市民争相办理公共自行车押金退费,株洲公交健宁回应“无需扎堆” 退卡退费无时限 线上线下一体办").Body,
            Does.Contain("提交身份证、银行卡"));
    }

    [Test]
    public void TestCaptionsTakenOutAndParagraphRejoined()
    {
        var p0 = Page(TestPaths.Page000, 2025);
        var jobs = Find(p0, "民生补短提质攻坚成绩单发布");
        Assert.That(jobs.Captions, Is.EqualTo(new[]
        {
            "株洲创业导师参加“马兰花”选拔赛并获奖。资料图 记者/何春林摄",
            "市人社局组织创业项目展示交流活动。资料图 记者/何春林摄",
        }));
        var guilin = Find(p0, "桂林高校来株推荐毕业生");
        Assert.That(guilin.Captions, Is.EqualTo(new[] { "市人社局组织企业走进桂林高校招才。(资料图) 记者/何春林 摄" }));
        Assert.That(guilin.Body, Does.Contain("5月上旬,我省启动了促进高校毕业生"));

        var p3 = Page(TestPaths.Page003, 2026);
        var wire = Find(p3, "电线贯穿树木 12345热线协调排隐患");
        Assert.That(wire.Captions, Is.EqualTo(new[] { "悬吊在电线上的木桩。记者/廖智勇 摄" }));
        Assert.That(wire.Body, Does.Contain("将悬吊在电线上的木桩剥离才能排除隐患"));
    }

    [Test]
    public void TestSubheadsAreTheirOwnParagraphs()
    {
        var p0 = Page(TestPaths.Page000, 2025);
        var paragraphs = Find(p0, "民生补短提质攻坚成绩单发布").Body.Split('\n');
        Assert.That(paragraphs, Does.Contain("暖心服务 保障重点群体就业"));
        Assert.That(paragraphs, Does.Contain("“背着书包来创业”的故事正上演"));
        var p3 = Page(TestPaths.Page003, 2026);
        var bikes = Find(p3, "市民争相办理公共自行车押金退费,株洲公交健宁回应“无需扎堆” 退卡退费无时限 线上线下一体办").Body.Split('\n');
        Assert.That(bikes, Does.Contain("退卡退费无时限,市民不必扎堆办理"));
        Assert.That(bikes, Does.Contain("退卡退费有三种情形,办理之前要弄清"));
        Assert.That(Find(p3, "工伤预防培训 为劳动者撑起安全伞").Body.Split('\n'), Does.Contain("拓展培训面,织密社会防护网"));
    }

    [Test]
    public void TestContinuationFragmentFlaggedAndNotGlued()
    {
        var p3 = Page(TestPaths.Page003, 2026);
        var well = Find(p3, "百井村有望不再打井喝水");
        Assert.That(well.Body, Does.Not.Contain("补链强链"));
        Assert.That(well.Body, Does.EndWith("百井村仍在剩余的42个"));
        var fragment = p3.Articles.Single(a => a.Kind == ArticleKind.Continuation);
        Assert.That(fragment.Body, Does.StartWith("补链强链,开展智能网联汽车"));
        Assert.That(fragment.Body, Does.Contain("优质生态资源为依托"));
        Assert.That(fragment.SourceStartLine, Is.EqualTo(127));
        Assert.That(fragment.SourceEndLine, Is.EqualTo(129));
        Assert.That(p3.Articles.Any(a => a.Kind == ArticleKind.Article && a.Body.Contains("补链强链")), Is.False);
    }

    [Test]
    public void TestLostCertificateNoticeKeptAsNotice()
    {
        var p3 = Page(TestPaths.Page003, 2026);
        var notice = p3.Articles.Single(a => a.Kind == ArticleKind.Notice);
        Assert.That(notice.Body, Does.Contain("遗失81430204MC79043725号工会法人资格证书"));
        Assert.That(notice.SourceStartLine, Is.EqualTo(3));
        Assert.That(notice.SourceEndLine, Is.EqualTo(7));
        Assert.That(p3.Articles[0].Kind, Is.EqualTo(ArticleKind.Notice), "the notice heads the page");
    }

    [Test]
    public void TestSectionAndEditorOnTheArticlesUnderTheBanner()
    {
        var p0 = Page(TestPaths.Page000, 2025);
        Assert.That(p0.Section, Is.EqualTo("就业·创业"));
        Assert.That(p0.Editor, Is.EqualTo("王建设"));
        foreach (var title in new[] { "民生补短提质攻坚成绩单发布", "市人社局获评“全国文明单位”", "桂林高校来株推荐毕业生", "湖南省创业公共服务平台上线 为大学生创业提供多种服务" })
        {
            Assert.That(Find(p0, title).Section, Is.EqualTo("就业·创业"), title);
            Assert.That(Find(p0, title).Editor, Is.EqualTo("王建设"), title);
        }
        // The banner sits in the middle of this dump: the articles above it are from another page.
        Assert.That(Find(p0, "田心轨道交通产业社区建设启动").Section, Is.Null);
    }

    [Test]
    public void TestDatelinesResolve()
    {
        var p0 = Page(TestPaths.Page000, 2025);
        Assert.That(p0.PageDate, Is.EqualTo(new DateOnly(2025, 5, 30)));
        Assert.That(Find(p0, "田心轨道交通产业社区建设启动").PublishedAt, Is.EqualTo(new DateOnly(2025, 5, 30)));
        Assert.That(Find(p0, "中医夜市2.0升级版来了").PublishedAt, Is.EqualTo(new DateOnly(2025, 5, 29)));
        var recent = Find(p0, "市人社局获评“全国文明单位”");
        Assert.That(recent.PublishedAt, Is.EqualTo(new DateOnly(2025, 5, 30)), "近日 = the page's most common dateline");
        Assert.That(recent.DateSource, Does.StartWith("近日=page-date"));
        Assert.That(Find(p0, "田心轨道交通产业社区建设启动").DateSource, Is.EqualTo("dateline 5月30日+caller-year"));

        var p3 = Page(TestPaths.Page003, 2026);
        Assert.That(Find(p3, "株洲航电枢纽扩机工程 有望年底投产发电").PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 6)));
        var bikes = Find(p3, "市民争相办理公共自行车押金退费,株洲公交健宁回应“无需扎堆” 退卡退费无时限 线上线下一体办");
        Assert.That(bikes.PublishedAt, Is.EqualTo(new DateOnly(2025, 12, 31)), "去年12月31日");
    }

    [Test]
    public void TestYearFromThePageWhenTheCallerGivesNone()
    {
        var text = File.ReadAllText(TestPaths.Seed(TestPaths.Page003));
        var page = PageParser.Parse(text, new PageParseOptions { SourceFile = TestPaths.Page003 });
        var a = page.Articles.First(x => x.Title == "株洲航电枢纽扩机工程 有望年底投产发电");
        Assert.That(a.PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 6)), "2026年1月4日 on the page gives the year");
        Assert.That(a.DateSource, Is.EqualTo("dateline 1月6日+page-year"));
    }

    [Test]
    public void TestCallerDateIsThePageDate()
    {
        var text = File.ReadAllText(TestPaths.Seed(TestPaths.Page003));
        var page = PageParser.Parse(text, new PageParseOptions { SourceFile = TestPaths.Page003, Date = new DateOnly(2026, 1, 8) });
        Assert.That(page.PageDate, Is.EqualTo(new DateOnly(2026, 1, 8)));
        Assert.That(page.Articles.First(x => x.Title == "表彰志愿者 弘扬正能量").PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 6)));
        Assert.That(page.Articles.First(x => x.Title == "以精准监督规范涉企执法").PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 8)), "近日");
    }

    [Test]
    public void TestStableIdsOnReparse()
    {
        var a = Page(TestPaths.Page003, 2026).Articles;
        var b = Page(TestPaths.Page003, 2026).Articles;
        Assert.That(a.Select(x => x.Id), Is.EqualTo(b.Select(x => x.Id)));
        Assert.That(a.Select(x => x.Id).Distinct().Count(), Is.EqualTo(a.Count));
        Assert.That(a.All(x => x.Id.Length == 17 && x.Id[0] == 'p'), Is.True);
        Assert.That(a.Select(x => ArticleStore.ContentHash(x)), Is.EqualTo(b.Select(x => ArticleStore.ContentHash(x))));
    }

    [Test]
    public void TestLineRanges()
    {
        var p0 = Page(TestPaths.Page000, 2025);
        var first = Find(p0, "田心轨道交通产业社区建设启动");
        Assert.That((first.SourceStartLine, first.SourceEndLine), Is.EqualTo((3, 13)));
        var weather = Find(p0, "端午假期有暴雨");
        Assert.That((weather.SourceStartLine, weather.SourceEndLine), Is.EqualTo((83, 93)), "the weather box is not part of the article");
        Assert.That(first.SourceFile, Is.EqualTo(TestPaths.Page000));
    }
}
