using NUnit.Framework;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

/// <summary>An archive of dated folders: same page file names and recurring headlines every day, nothing overwritten.</summary>
[TestFixture]
public class ArchiveIngestTests
{
    private string _dir = null!;
    private string Tree => Path.Combine(_dir, "archive");

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "ns-archive-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>A01 of one day: the recurring weather report and readers' letter, and one story of the day.</summary>
    private static string DailyPage(int day, string story) => $"""
        今日天气

        云溪日报讯(记者/温静) 6月{day}日,全市多云,最高气温{26 + day}℃左右,夜间有零星小雨。

        读者来信

        云溪日报讯(记者/林晓) 6月{day}日,读者来信反映第{day}号公交站的候车亭需要修缮,相关部门已经答复。

        {story}

        云溪日报讯(记者/宋雨桐) 6月{day}日,{story}的消息在市民中引起热议。
        """;

    private string WriteDay(int day, string story, string file = "A01.txt")
    {
        var path = Path.Combine(Tree, "2026", "06", day.ToString("00"), file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, DailyPage(day, story));
        return path;
    }

    [Test]
    public void TestTwoDaysWithTheSameFileNamesAndHeadlinesKeepEveryArticle()
    {
        WriteDay(1, "滨江绿道全线贯通");
        WriteDay(2, "社区食堂开进老旧小区");
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var s = new Ingester(store).Run([Tree]);
        Assert.That((s.Pages, s.New), Is.EqualTo((2, 6)));
        Assert.That(store.Count, Is.EqualTo(6));
        var all = store.ReadAll().Select(x => x.Article).ToList();
        Assert.That(all.Count(a => a.Title == "今日天气"), Is.EqualTo(2));
        Assert.That(all.Count(a => a.Title == "读者来信"), Is.EqualTo(2));
        Assert.That(all.Where(a => a.Title == "读者来信").Select(a => a.PublishedAt),
            Is.EquivalentTo(new DateOnly?[] { new(2026, 6, 1), new(2026, 6, 2) }));
        Assert.That(all.Select(a => a.SourceFile).Distinct(), Is.EquivalentTo(new[] { "2026/06/01/A01.txt", "2026/06/02/A01.txt" }));

        var again = new Ingester(store).Run([Tree]);
        Assert.That((again.New, again.Updated, again.Unchanged, again.Deleted), Is.EqualTo((0, 0, 6, 0)));
    }

    [Test]
    public void TestADayFolderIngestedOnItsOwnHasTheSameIdsAsFromTheArchiveRoot()
    {
        WriteDay(1, "滨江绿道全线贯通");
        WriteDay(2, "社区食堂开进老旧小区");
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        new Ingester(store).Run([Tree]);
        var day = new Ingester(store).Run([Path.Combine(Tree, "2026", "06", "02")]);
        var file = new Ingester(store).Run([Path.Combine(Tree, "2026", "06", "01", "A01.txt")]);
        Assert.That((day.New, day.Unchanged, file.New, file.Unchanged), Is.EqualTo((0, 3, 0, 3)));
        Assert.That(store.Count, Is.EqualTo(6));
    }

    [Test]
    public void TestChangedArticleUpdatedInPlaceAndRecordsGoneFromThePageDeleted()
    {
        var path = WriteDay(1, "滨江绿道全线贯通");
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        new Ingester(store).Run([Tree]);
        var weatherId = store.ReadAll().Single(a => a.Article.Title == "今日天气").Article.Id;

        File.WriteAllText(path, DailyPage(1, "滨江绿道全线贯通").Replace("夜间有零星小雨", "夜间转晴"));
        var changed = new Ingester(store).Run([Tree]);
        Assert.That((changed.New, changed.Updated, changed.Unchanged), Is.EqualTo((0, 1, 2)));
        Assert.That(store.Get(weatherId)!.Article.Body, Does.Contain("夜间转晴"));

        // The day's story retitled: the page now yields another record instead; the old one must not linger.
        File.WriteAllText(path, DailyPage(1, "滨江绿道二期开工"));
        var retitled = new Ingester(store).Run([Tree]);
        Assert.That((retitled.New, retitled.Deleted), Is.EqualTo((1, 1)));
        Assert.That(store.ReadAll().Select(a => a.Article.Title), Is.EquivalentTo(new[] { "今日天气", "读者来信", "滨江绿道二期开工" }));
    }

    [Test]
    public void TestSameHeadlineTwiceOnOnePageKeepsBoth()
    {
        Directory.CreateDirectory(Tree);
        File.WriteAllText(Path.Combine(Tree, "A05.txt"), """
            读者来信

            云溪日报讯(记者/林晓) 6月1日,读者反映滨江路的路灯不亮。

            读者来信

            云溪日报讯(记者/林晓) 6月1日,读者建议在社区增设快递柜。
            """);
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var s = new Ingester(store).Run([Tree]);
        Assert.That((s.New, store.Count), Is.EqualTo((2, 2L)));
    }

    /// <summary>Rows as the first id scheme stored them: id from file name + title, source = the file name.</summary>
    private static void StoreAsFirstScheme(ArticleStore store, string fileName, params string[] titles) =>
        store.UpsertMany(titles.Select(t => new Article
        {
            Id = PageIds.LegacyId(fileName, ArticleKind.Article, t),
            Title = t,
            Body = "旧版本存入的正文。",
            SourceFile = fileName,
        }).ToList());

    [Test]
    public void TestIngestReplacesRowsOfTheFirstIdSchemeFromTheSamePage()
    {
        WriteDay(1, "滨江绿道全线贯通");
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        StoreAsFirstScheme(store, "A01.txt", "今日天气", "读者来信", "滨江绿道全线贯通");
        Assert.That(store.LegacyPageRowCount, Is.EqualTo(3));
        var s = new Ingester(store).Run([Tree]);
        Assert.That((s.New, s.Deleted), Is.EqualTo((3, 3)));
        Assert.That(store.Count, Is.EqualTo(3));
        Assert.That(store.LegacyPageRowCount, Is.Zero);
        Assert.That(store.ReadAll().All(a => a.Article.Body != "旧版本存入的正文。"), Is.True);
    }

    [Test]
    public void TestUpgradeDeletesTheRemainingOldRowsOfThosePageFiles()
    {
        WriteDay(1, "滨江绿道全线贯通");
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        // An older parser read a headline differently: its row is not recognized by its id.
        StoreAsFirstScheme(store, "A01.txt", "今日天气 读者来信");
        StoreAsFirstScheme(store, "B01.txt", "别的版面");
        new Ingester(store).Run([Tree]);
        Assert.That(store.LegacyPageRowCount, Is.EqualTo(2));
        var gone = store.DeleteLegacyPageRows(["A01.txt"]);
        Assert.That(gone, Has.Count.EqualTo(1));
        Assert.That(store.LegacyPageRowCount, Is.EqualTo(1), "rows of pages not ingested again stay");
        Assert.That(store.Count, Is.EqualTo(4));
    }

    [Test]
    public void TestPagePaths()
    {
        string root = Path.Combine(_dir, "x");
        Assert.That(PageIds.PagePath(Path.Combine(root, "2026", "06", "01", "A01.txt"), root), Is.EqualTo("2026/06/01/A01.txt"));
        Assert.That(PageIds.PagePath(Path.Combine(root, "2026", "06", "01", "A01.txt"), Path.Combine(root, "2026", "06")), Is.EqualTo("2026/06/01/A01.txt"));
        Assert.That(PageIds.PagePath(Path.Combine(root, "papers", "20260601", "A01.txt"), root), Is.EqualTo("20260601/A01.txt"));
        Assert.That(PageIds.PagePath(Path.Combine(root, "papers", "A01.txt"), root), Is.EqualTo("papers/A01.txt"));
        Assert.That(PageIds.PagePath(Path.Combine(root, "papers", "A01.txt"), null), Is.EqualTo("A01.txt"));
        Assert.That(PageIds.DateFromPath(Path.Combine(root, "2026-06-01", "A01.txt")), Is.EqualTo(new DateOnly(2026, 6, 1)));
        Assert.That(PageIds.DateFromPath(Path.Combine(root, "2026", "13", "01", "A01.txt")), Is.Null);
        Assert.That(PageIds.DateFromPath(Path.Combine(root, "20260601.txt")), Is.Null, "the file name is not a folder");
    }
}
