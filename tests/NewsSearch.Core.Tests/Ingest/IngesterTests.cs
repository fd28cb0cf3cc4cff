using NUnit.Framework;
using System.Text;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

[TestFixture]
public class IngesterTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ns-ingest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "in", "sub"));
        File.Copy(TestPaths.Seed(TestPaths.Page000), Path.Combine(_dir, "in", TestPaths.Page000));
        File.Copy(TestPaths.Seed(TestPaths.Page003), Path.Combine(_dir, "in", "sub", TestPaths.Page003));
        File.WriteAllText(Path.Combine(_dir, "in", "extra.jsonl"),
            "{\"id\":\"j1\",\"title\":\"甲\",\"body\":\"正文。\",\"date\":\"2026-01-08\"}\n{\"id\":\"j2\",\"title\":\"\",\"body\":\"正文。\"}\n");
        File.WriteAllText(Path.Combine(_dir, "in", "ignored.md"), "not ingested");
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Test]
    public void TestTwiceIntoTheSameStoreSecondRunAllUnchanged()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var ingester = new Ingester(store);
        var progress = new List<IngestProgress>();
        var first = ingester.Run([Path.Combine(_dir, "in")], new IngestOptions { Year = 2026 }, new SyncProgress(progress.Add));
        Assert.That(first.Pages, Is.EqualTo(2));
        Assert.That(first.JsonFiles, Is.EqualTo(1));
        Assert.That(first.Files, Is.EqualTo(3));
        Assert.That(first.New, Is.GreaterThan(20));
        Assert.That(first.Updated, Is.Zero);
        Assert.That(first.Notices, Is.EqualTo(1));
        Assert.That(first.Continuations, Is.EqualTo(1));
        Assert.That(first.Rejected.Single().Field, Is.EqualTo("title"));
        Assert.That(first.Rejected.Single().Line, Is.EqualTo(2));
        Assert.That(progress[^1].FilesDone, Is.EqualTo(3));
        Assert.That(progress.Select(p => p.BytesDone), Is.Ordered);
        Assert.That(progress[^1].BytesDone, Is.EqualTo(progress[^1].BytesTotal));
        Assert.That(store.Count, Is.EqualTo(first.New));

        var second = ingester.Run([Path.Combine(_dir, "in")], new IngestOptions { Year = 2026 });
        Assert.That((second.New, second.Updated, second.Unchanged), Is.EqualTo((0, 0, first.New)));
        Assert.That(second.ChangedIds, Is.Empty);
    }

    [Test]
    public void TestSamePageFromAnotherFolderHasTheSameIds()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var ingester = new Ingester(store);
        var first = ingester.Run([Path.Combine(_dir, "in", TestPaths.Page000)], new IngestOptions { Year = 2025 });
        Directory.CreateDirectory(Path.Combine(_dir, "elsewhere"));
        var copy = Path.Combine(_dir, "elsewhere", TestPaths.Page000);
        File.Copy(Path.Combine(_dir, "in", TestPaths.Page000), copy);
        var second = ingester.Run([copy], new IngestOptions { Year = 2025 });
        Assert.That(second.Unchanged, Is.EqualTo(first.New));
        Assert.That(second.New, Is.Zero);
    }

    [Test]
    public void TestChangedArticleIsUpdatedInPlace()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var ingester = new Ingester(store);
        var path = Path.Combine(_dir, "in", TestPaths.Page000);
        var first = ingester.Run([path], new IngestOptions { Year = 2025 });
        File.WriteAllText(path, File.ReadAllText(path).Replace("副市长杨胜跃出席活动并宣布开市。", "副市长出席活动并宣布开市。"));
        var second = ingester.Run([path], new IngestOptions { Year = 2025 });
        Assert.That((second.New, second.Updated, second.Unchanged), Is.EqualTo((0, 1, first.New - 1)));
        Assert.That(store.Count, Is.EqualTo(first.New));
    }

    [Test]
    public void TestGb18030PageWithBadBytesIsReadAndReported()
    {
        var gb = PageDecoder.Gb18030();
        var text = File.ReadAllText(TestPaths.Resource("benbao_page.txt"));
        byte[] bytes = [.. gb.GetBytes(text), 0xFF];
        var path = Path.Combine(_dir, "gb_page.txt");
        File.WriteAllBytes(path, bytes);
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var s = new Ingester(store).Run([path], new IngestOptions { Year = 2026, Encoding = "gb18030" });
        Assert.That(s.New, Is.EqualTo(4));
        Assert.That(s.DecodeIssues.Single().ByteOffset, Is.EqualTo(bytes.Length - 1));
        Assert.That(s.DecodeIssues.Single().File, Is.EqualTo("gb_page.txt"));
    }

    [Test]
    public void TestMissingPathIsAClearError()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var e = Assert.Throws<IngestPathException>(() => new Ingester(store).Run([Path.Combine(_dir, "nope.txt")]));
        Assert.That(e!.Message, Does.Contain("nope.txt"));
    }

    [Test]
    public void TestCallerDateFillsJsonRecordsWithoutADate()
    {
        var path = Path.Combine(_dir, "nodate.jsonl");
        File.WriteAllText(path, "{\"id\":\"d1\",\"title\":\"甲\",\"body\":\"正文。\"}\n{\"id\":\"d2\",\"title\":\"乙\",\"body\":\"正文。\",\"date\":\"2025-01-02\"}\n");
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        new Ingester(store).Run([path], new IngestOptions { Date = new DateOnly(2026, 1, 8) });
        Assert.That(store.Get("d1")!.Article.PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 8)));
        Assert.That(store.Get("d1")!.Article.DateSource, Is.EqualTo("caller-date"));
        Assert.That(store.Get("d2")!.Article.PublishedAt, Is.EqualTo(new DateOnly(2025, 1, 2)));
    }

    private sealed class SyncProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
