using NUnit.Framework;
using NewsSearch.Core.Ingest;

namespace NewsSearch.Core.Tests.Ingest;

[TestFixture]
public class BylineAndDatelineTests
{
    [TestCase("株洲日报(全媒体记者/李逸峰 通讯员/冯帅) 5月30日,会议举行。", "株洲日报", new[] { "李逸峰" }, new[] { "冯帅" }, "5月30日,会议举行。")]
    [TestCase("株洲日报讯(全媒体记者/王娜) 近日,名单发布。", "株洲日报讯", new[] { "王娜" }, new string[0], "近日,名单发布。")]
    [TestCase("本报讯(记者 张三 通讯员 李四) 4月8日,推进会召开。", "本报讯", new[] { "张三" }, new[] { "李四" }, "4月8日,推进会召开。")]
    [TestCase("新华社北京5月30日电(记者 钱七 孙八) 记者从有关部门获悉。", "新华社北京5月30日电", new[] { "钱七", "孙八" }, new string[0], "记者从有关部门获悉。")]
    [TestCase("本报讯（记者张三、李四 实习生王五）会议召开。", "本报讯", new[] { "张三", "李四" }, new[] { "王五" }, "会议召开。")]
    public void TestLeadingBylines(string line, string source, string[] reporters, string[] correspondents, string rest)
    {
        var b = Bylines.ParseLeading(line);
        Assert.That(b, Is.Not.Null);
        Assert.That(b!.Source, Is.EqualTo(source));
        Assert.That(b.Reporters, Is.EqualTo(reporters));
        Assert.That(b.Correspondents, Is.EqualTo(correspondents));
        Assert.That(b.Rest, Is.EqualTo(rest));
    }

    [TestCase("市人社局(市就业服务中心)相关负责人介绍,平台已上线。")]
    [TestCase("“有一根电线穿进了树木枝干。”近日,居民反映。")]
    [TestCase("纵观株洲入围的项目,既有传统优势产业(记者注)。")]
    public void TestNotBylines(string line) => Assert.That(Bylines.ParseLeading(line), Is.Null);

    [TestCase("株洲日报全媒体记者/王娜", new[] { "王娜" }, new string[0])]
    [TestCase("本报记者 赵六", new[] { "赵六" }, new string[0])]
    [TestCase("记者 张三 通讯员 李四 王五", new[] { "张三" }, new[] { "李四", "王五" })]
    public void TestOwnLineBylines(string line, string[] reporters, string[] correspondents)
    {
        var b = Bylines.ParseOwnLine(line);
        Assert.That(b, Is.Not.Null);
        Assert.That(b!.Reporters, Is.EqualTo(reporters));
        Assert.That(b.Correspondents, Is.EqualTo(correspondents));
    }

    [TestCase("记者在现场注意到,部分市民不清楚。")]
    [TestCase("记者从市人社局获悉")]
    public void TestNotOwnLineBylines(string line) => Assert.That(Bylines.ParseOwnLine(line), Is.Null);

    [TestCase("5月30日,会议举行。", 2025, 2025, 5, 30)]
    [TestCase("1月6日下午,现场一片繁忙。", 2026, 2026, 1, 6)]
    [TestCase("去年12月31日,公司发布公告。", 2026, 2025, 12, 31)]
    [TestCase("从2024年3月2日起实施。", 2026, 2024, 3, 2)]
    [TestCase("“有一根电线穿进了树木枝干,我担心起火。”1月5日,居民反映。", 2026, 2026, 1, 5)]
    public void TestDatelines(string lead, int year, int y, int m, int d)
    {
        var dl = Datelines.Find(lead);
        Assert.That(dl, Is.Not.Null);
        Assert.That(dl!.Value.Resolve(year, null), Is.EqualTo(new DateOnly(y, m, d)));
    }

    [Test]
    public void TestRecentlyIsThePageDate()
    {
        var dl = Datelines.Find("近日,全国精神文明建设表彰大会在北京举行。");
        Assert.That(dl!.Value.PageRelative, Is.True);
        Assert.That(dl.Value.Resolve(2025, new DateOnly(2025, 5, 30)), Is.EqualTo(new DateOnly(2025, 5, 30)));
        Assert.That(Datelines.Find("昨天,记者走访发现。")!.Value.Resolve(2025, new DateOnly(2025, 5, 30)), Is.EqualTo(new DateOnly(2025, 5, 29)));
    }

    [TestCase("2月30日,会议举行。")]
    [TestCase("13月1日,会议举行。")]
    public void TestImpossibleDatesDoNotResolve(string lead) => Assert.That(Datelines.Find(lead)!.Value.Resolve(2025, null), Is.Null);

    [Test]
    public void TestNoDateline() => Assert.That(Datelines.Find("工伤预防是工伤保险制度中的重要一环。"), Is.Null);

    [TestCase("市区、醴陵2025年开工,2025年完工,2024年立项。", 2025)]
    [TestCase("2025年成绩很多,2025年也很好,从2026年1月4日起退还。", 2026)]
    [TestCase("没有年份。", null)]
    public void TestYearFromText(string text, int? year) => Assert.That(Datelines.YearFromText(text), Is.EqualTo(year));
}
