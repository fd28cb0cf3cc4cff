using NUnit.Framework;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

/// <summary>The import folder: settled files are stored and moved to done/, bad ones to failed/ with a reason.</summary>
[TestFixture]
public class ImportFolderTests
{
    private string _dir = null!;
    private string Inbox => Path.Combine(_dir, "inbox");

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "ns-import-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private const string Page = """
        骑楼街重新开街

        云溪日报讯(记者/宋雨桐) 5月30日,老城更新一期工程完工,修缮后的骑楼街重新开街迎客。
        """;

    private string Drop(string rel, string text, TimeSpan age)
    {
        var path = Path.Combine(Inbox, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Test]
    public void TestSettledPageIsStoredAndMovedToDone()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var folder = new ImportFolder(Inbox, store);
        Drop("2026/06/01/A01.txt", Page, TimeSpan.FromMinutes(1));
        var s = folder.ImportPending();
        Assert.That((s.Files, s.New), Is.EqualTo((1, 1)));
        Assert.That(File.Exists(Path.Combine(Inbox, "done", "2026", "06", "01", "A01.txt")), Is.True);
        Assert.That(File.Exists(Path.Combine(Inbox, "2026", "06", "01", "A01.txt")), Is.False);
        Assert.That(folder.ImportPending().Files, Is.Zero, "nothing is read twice");
        Assert.That(store.Get(store.ReadIds().Single())!.Article.SourceFile, Is.EqualTo("2026/06/01/A01.txt"));
    }

    [Test]
    public void TestFileStillBeingWrittenWaits()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var folder = new ImportFolder(Inbox, store) { SettleTime = TimeSpan.FromSeconds(30) };
        Drop("A01.txt", Page, TimeSpan.Zero);
        Drop("A02.txt.part", Page, TimeSpan.FromMinutes(1));
        var s = folder.ImportPending();
        Assert.That((s.Files, folder.Unsettled, store.Count), Is.EqualTo((0, 1, 0L)));
        Assert.That(File.Exists(Path.Combine(Inbox, "A01.txt")), Is.True);
        Assert.That(File.Exists(Path.Combine(Inbox, "A02.txt.part")), Is.True, "temporary names are left alone");
    }

    [Test]
    public void TestSameFileNameOnTwoDaysKeepsBothAndNeitherIsOverwritten()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var folder = new ImportFolder(Inbox, store);
        Drop("A01.txt", Page, TimeSpan.FromDays(2));
        folder.ImportPending();
        Drop("A01.txt", Page.Replace("5月30日", "5月31日"), TimeSpan.FromDays(1));
        folder.ImportPending();
        Assert.That(store.Count, Is.EqualTo(2), "filed under the day each arrived");
        Assert.That(File.Exists(Path.Combine(Inbox, "done", "A01.txt")), Is.True);
        Assert.That(File.Exists(Path.Combine(Inbox, "done", "A01.2.txt")), Is.True);
    }

    [Test]
    public void TestPageWithNothingAndUnknownFileGoToFailedWithAReason()
    {
        using var store = new ArticleStore(Path.Combine(_dir, "data"));
        var folder = new ImportFolder(Inbox, store);
        Drop("empty.txt", "\n\n", TimeSpan.FromMinutes(1));
        Drop("photo.jpg", "JFIF", TimeSpan.FromMinutes(1));
        Drop("bad.jsonl", "{\"title\":\"\",\"body\":\"正文。\"}\n", TimeSpan.FromMinutes(1));
        var s = folder.ImportPending();
        Assert.That(s.Errors, Has.Count.EqualTo(3));
        foreach (var (name, why) in new[] { ("empty.txt", "no articles"), ("photo.jpg", "not a page"), ("bad.jsonl", "title") })
        {
            Assert.That(File.Exists(Path.Combine(Inbox, "failed", name)), Is.True, name);
            Assert.That(File.ReadAllText(Path.Combine(Inbox, "failed", name + ".reason.txt")), Does.Contain(why), name);
        }
        Assert.That(folder.ImportPending().Files, Is.Zero, "a failed file is not read again");
    }
}
