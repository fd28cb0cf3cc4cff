using NUnit.Framework;
using System.Text;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Ingest;

[TestFixture]
public class PageDecoderTests
{
    private static string OwnPage => File.ReadAllText(TestPaths.Resource("benbao_page.txt"));

    [Test]
    public void TestGb18030RoundTripIsDetected()
    {
        var bytes = PageDecoder.Gb18030().GetBytes(OwnPage);
        var decoded = PageDecoder.Decode(bytes, "gb.txt");
        Assert.That(decoded.EncodingName, Is.EqualTo("gb18030"));
        Assert.That(decoded.Text, Is.EqualTo(OwnPage));
        Assert.That(decoded.Issues, Is.Empty);
        var opts = new PageParseOptions { SourceFile = "p.txt", Year = 2026 };
        Assert.That(PageParser.Parse(decoded.Text, opts).Articles.Select(ArticleStore.ContentHash),
            Is.EqualTo(PageParser.Parse(OwnPage, opts).Articles.Select(ArticleStore.ContentHash)));
    }

    [Test]
    public void TestGb18030ChosenExplicitly()
    {
        var bytes = PageDecoder.Gb18030().GetBytes("本报讯 测试");
        Assert.That(PageDecoder.Decode(bytes, "gb.txt", "gb18030").Text, Is.EqualTo("本报讯 测试"));
        Assert.That(PageDecoder.Decode(bytes, "gb.txt", "GBK").Text, Is.EqualTo("本报讯 测试"));
    }

    [Test]
    public void TestUtf8WithAndWithoutBom()
    {
        var plain = Encoding.UTF8.GetBytes(OwnPage);
        byte[] bom = [0xEF, 0xBB, 0xBF, .. plain];
        Assert.That(PageDecoder.Decode(plain, "a.txt").Text, Is.EqualTo(OwnPage));
        var withBom = PageDecoder.Decode(bom, "b.txt");
        Assert.That(withBom.Text, Is.EqualTo(OwnPage));
        Assert.That(withBom.EncodingName, Is.EqualTo("utf-8"));
        Assert.That(PageDecoder.Decode(bom, "b.txt", "utf-8").Text, Is.EqualTo(OwnPage));
    }

    [Test]
    public void TestInvalidUtf8BytesReportedWithOffset()
    {
        var good = Encoding.UTF8.GetBytes(OwnPage);
        int at = Encoding.UTF8.GetByteCount(OwnPage[..100]);
        byte[] bad = [.. good[..at], 0xFF, .. good[at..]];
        var decoded = PageDecoder.Decode(bad, "bad.txt");
        Assert.That(decoded.EncodingName, Is.EqualTo("utf-8"), "one bad byte does not make it GB18030");
        Assert.That(decoded.Issues, Has.Count.EqualTo(1));
        Assert.That(decoded.Issues[0].ByteOffset, Is.EqualTo(at));
        Assert.That(decoded.Issues[0].File, Is.EqualTo("bad.txt"));
        Assert.That(decoded.Text, Is.EqualTo(OwnPage[..100] + "\uFFFD" + OwnPage[100..]));
    }

    [Test]
    public void TestInvalidUtf8AfterBomReportsFileOffset()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, (byte)'a', 0xC3, (byte)'b'];
        var decoded = PageDecoder.Decode(bytes, "x.txt");
        Assert.That(decoded.Issues.Single().ByteOffset, Is.EqualTo(4));
    }

    [Test]
    public void TestInvalidGb18030BytesReportedWithOffset()
    {
        var gb = PageDecoder.Gb18030();
        var head = gb.GetBytes("本报讯测试");
        byte[] bytes = [.. head, 0xFF, .. gb.GetBytes("完毕")];
        var decoded = PageDecoder.Decode(bytes, "g.txt", "gb18030");
        Assert.That(decoded.Issues.Select(i => i.ByteOffset), Is.EqualTo(new long[] { head.Length }));
        Assert.That(decoded.Text, Does.StartWith("本报讯测试").And.EndWith("完毕"));
    }

    [Test]
    public void TestUnknownEncodingIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => PageDecoder.Validate("klingon-8"));
        Assert.That(e!.Message, Does.Contain("klingon-8"));
    }
}
