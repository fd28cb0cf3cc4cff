using NUnit.Framework;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

/// <summary>Generated page dumps parse back into exactly the articles and notices set on them.</summary>
[TestFixture]
public class PageGeneratorTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "ns-gen-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Test]
    public void TestTwoHundredPagesParseIntoTheArticlesSetOnThem()
    {
        var archive = GeneratedArchiveKit.Write(_dir, 200);
        Assert.That(archive.Files, Has.Count.EqualTo(200));
        Assert.That(archive.Files[0], Is.EqualTo("2026/06/01/A01.txt"));
        Assert.That(archive.Files[^1], Is.EqualTo("2026/06/25/A08.txt"));
        var titles = GeneratedArchiveKit.Corpus.Select(c => c.Title).ToHashSet();
        int articles = 0, notices = 0;
        foreach (var rel in archive.Files)
        {
            var page = Ingester.ParseFile(Path.Combine(_dir, rel), _dir, new IngestOptions(), out _);
            foreach (var a in page.Articles)
            {
                Assert.That(a.Kind, Is.Not.EqualTo(ArticleKind.Continuation), $"{rel}: {a.Body}");
                if (a.Kind == ArticleKind.Notice) { notices++; continue; }
                articles++;
                Assert.That(titles, Does.Contain(a.Title.Replace(" ", "")), rel);
                Assert.That(a.Reporters, Has.Count.EqualTo(1), $"{rel}: {a.Title}");
                Assert.That(a.SourceFile, Is.EqualTo(rel));
                Assert.That(a.PublishedAt, Is.Not.Null);
                foreach (var boxWord in new[] { "今日提醒", "服务信息", "今日天气", "广告", "遗失", "℃", " 摄", "咨询电话" })
                    Assert.That(a.Body, Does.Not.Contain(boxWord), $"{rel}: {a.Title}");
                Assert.That(a.Body, Does.EndWith("。"), $"{rel}: {a.Title}");
            }
        }
        Assert.That((articles, notices), Is.EqualTo((archive.Articles, archive.Notices)));
    }

    [Test]
    public void TestSameSeedSameBytes()
    {
        var a = GeneratedArchiveKit.Write(Path.Combine(_dir, "a"), 20);
        var b = GeneratedArchiveKit.Write(Path.Combine(_dir, "b"), 20);
        foreach (var rel in a.Files)
            Assert.That(File.ReadAllBytes(Path.Combine(_dir, "b", rel)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_dir, "a", rel))), rel);
        Assert.That(b.Bytes, Is.EqualTo(a.Bytes));
        var c = GeneratedArchiveKit.Write(Path.Combine(_dir, "c"), 20, seed: 8);
        Assert.That(File.ReadAllText(Path.Combine(_dir, "c", c.Files[0])), Is.Not.EqualTo(File.ReadAllText(Path.Combine(_dir, "a", a.Files[0]))));
    }
}
