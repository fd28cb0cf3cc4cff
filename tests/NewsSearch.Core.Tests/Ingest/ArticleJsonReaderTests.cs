using NUnit.Framework;
using System.Text;
using NewsSearch.Core.Ingest;

namespace NewsSearch.Core.Tests.Ingest;

[TestFixture]
public class ArticleJsonReaderTests
{
    [Test]
    public void TestJsonLinesGoodRecords()
    {
        const string text = """
            {"id":"n0000001","title":"公共自行车押金退还","body":"第一段。\n\n第二段。","date":"2026-01-08"}
            {"id":42,"title":"轨道交通  2号线","subtitle":"副题","authors":["张三","李四"],"publishedAt":"2026-03-03T08:00:00+08:00","section":"要闻","body":"正文。"}
            {"title":"没有编号的稿件","authors":"王五、赵六","body":"正文。"}
            """;
        var r = ArticleJsonReader.Read(text, "a.jsonl", jsonLines: true);
        Assert.That(r.Rejects, Is.Empty);
        Assert.That(r.Articles, Has.Count.EqualTo(3));
        var a = r.Articles[0];
        Assert.That((a.Id, a.Title, a.Body, a.PublishedAt), Is.EqualTo(("n0000001", "公共自行车押金退还", "第一段。\n第二段。", (DateOnly?)new DateOnly(2026, 1, 8))));
        Assert.That(a.DateSource, Is.EqualTo("json:date"));
        Assert.That((a.SourceFile, a.SourceStartLine), Is.EqualTo(("a.jsonl", (int?)1)));
        var b = r.Articles[1];
        Assert.That((b.Id, b.Title, b.Subtitle, b.Section), Is.EqualTo(("42", "轨道交通 2号线", "副题", "要闻")));
        Assert.That(b.Reporters, Is.EqualTo(new[] { "张三", "李四" }));
        Assert.That(b.PublishedAt, Is.EqualTo(new DateOnly(2026, 3, 3)));
        var c = r.Articles[2];
        Assert.That(c.Reporters, Is.EqualTo(new[] { "王五", "赵六" }));
        Assert.That(c.Id, Does.StartWith("j").And.Length.EqualTo(17));
        Assert.That(ArticleJsonReader.Read(text, "a.jsonl", true).Articles[2].Id, Is.EqualTo(c.Id), "generated ids are stable");
    }

    [Test]
    public void TestJsonLinesBadRecordsNameLineAndFieldAndDoNotStopTheRest()
    {
        const string text = """
            {"id":"ok1","title":"好","body":"正文。"}
            {"id":"broken", "title":
            {"id":"t","body":"正文。"}
            {"id":"a","title":"作者","authors":7,"body":"正文。"}
            {"id":"d","title":"日期","publishedAt":"yesterday","body":"正文。"}
            {"id":"b","title":"正文","body":""}
            ["not","an","object"]
            {"id":{"x":1},"title":"编号","body":"正文。"}
            {"id":"ok1","title":"重复","body":"正文。"}
            {"id":"ok2","title":"也好","body":"正文。"}
            """;
        var r = ArticleJsonReader.Read(text, "b.jsonl", jsonLines: true);
        Assert.That(r.Articles.Select(a => a.Id), Is.EqualTo(new[] { "ok1", "ok2" }));
        Assert.That(r.Rejects.Select(x => (x.Line, x.Field)), Is.EqualTo(new[]
        {
            (2, "(json)"), (3, "title"), (4, "authors"), (5, "publishedAt"), (6, "body"), (7, "(record)"), (8, "id"), (9, "id"),
        }));
        Assert.That(r.Rejects.All(x => x.File == "b.jsonl" && x.Reason.Length > 0), Is.True);
        Assert.That(r.Rejects[^1].Reason, Does.Contain("duplicate"));
    }

    [Test]
    public void TestJsonArrayWithLineNumbers()
    {
        const string text = "[\n  {\"id\":\"x1\",\"title\":\"甲\",\"body\":\"正文。\"},\n  {\"id\":\"x2\",\n   \"title\":\"乙\",\n   \"body\":5},\n  {\"id\":\"x3\",\"title\":\"丙\",\"body\":\"正文。\"}\n]";
        var r = ArticleJsonReader.Read(text, "c.json", jsonLines: false);
        Assert.That(r.Articles.Select(a => a.Id), Is.EqualTo(new[] { "x1", "x3" }));
        Assert.That(r.Rejects, Has.Count.EqualTo(1));
        Assert.That((r.Rejects[0].Line, r.Rejects[0].Field), Is.EqualTo((3, "body")));
        Assert.That(r.Articles[1].SourceStartLine, Is.EqualTo(6));
    }

    [Test]
    public void TestJsonArraySyntaxErrorKeepsWhatCameBefore()
    {
        const string text = "[\n{\"id\":\"x1\",\"title\":\"甲\",\"body\":\"正文。\"},\n{\"id\":\"x2\",\"title\":\n";
        var r = ArticleJsonReader.Read(text, "d.json", jsonLines: false);
        Assert.That(r.Articles.Select(a => a.Id), Is.EqualTo(new[] { "x1" }));
        Assert.That(r.Rejects, Has.Count.EqualTo(1));
        Assert.That(r.Rejects[0].Field, Is.EqualTo("(json)"));
    }

    [Test]
    public void TestSingleObjectJson()
    {
        var r = ArticleJsonReader.Read("{\"id\":\"one\",\"title\":\"单篇\",\"body\":\"正文。\"}", "e.json", jsonLines: false);
        Assert.That(r.Articles.Single().Id, Is.EqualTo("one"));
    }

    [Test]
    public void TestJsonLinesSavedAsJson()
    {
        var r = ArticleJsonReader.Read("{\"id\":\"1\",\"title\":\"甲\",\"body\":\"正文。\"}\n{\"id\":\"2\",\"title\":\"乙\",\"body\":\"正文。\"}\n", "f.json", jsonLines: false);
        Assert.That(r.Articles.Select(a => a.Id), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public void TestStreamedJsonLinesInBatchesWithBadBytesAndLongLines()
    {
        var longBody = new string('字', 700_000); // 2.1 MB of UTF-8: longer than the read buffer
        var lines = new List<byte[]>
        {
            Encoding.UTF8.GetBytes("{\"id\":\"a\",\"title\":\"甲\",\"body\":\"正文。\"}\r\n"),
            Encoding.UTF8.GetBytes("not json\n"),
            Encoding.UTF8.GetBytes("{\"id\":\"b\",\"title\":\"乙\",\"body\":\"" + longBody + "\"}\n"),
            Encoding.UTF8.GetBytes("\n"),
        };
        byte[] bad = [.. Encoding.UTF8.GetBytes("{\"id\":\"c\",\"title\":\"丙"), 0xFF, .. Encoding.UTF8.GetBytes("\",\"body\":\"正文。\"}")];
        lines.Add(bad); // last line without a newline
        byte[] all = [0xEF, 0xBB, 0xBF, .. lines.SelectMany(l => l)];
        long badOffset = all.Length - bad.Length + Array.IndexOf(bad, (byte)0xFF);

        var issues = new List<DecodeIssue>();
        long lastPosition = 0;
        var batches = ArticleJsonReader.ReadLines(new MemoryStream(all), "s.jsonl", issues, batchSize: 1, position: p => lastPosition = p).ToList();
        var articles = batches.SelectMany(b => b.Articles).ToList();
        Assert.That(articles.Select(a => a.Id), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(articles[1].Body, Has.Length.EqualTo(longBody.Length));
        Assert.That(articles[2].Title, Is.EqualTo("丙\uFFFD"));
        Assert.That(articles.Select(a => a.SourceStartLine), Is.EqualTo(new int?[] { 1, 3, 5 }));
        Assert.That(batches.SelectMany(b => b.Rejects).Select(r => (r.Line, r.Field)), Is.EqualTo(new[] { (2, "(json)") }));
        Assert.That(issues.Single().ByteOffset, Is.EqualTo(badOffset));
        Assert.That(lastPosition, Is.EqualTo(all.Length));
    }
}
