using NUnit.Framework;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Tests.Search;

[TestFixture]
public class SynonymsTest
{
    [Test]
    public void TestGroupsAreEquivalentAndArrowsOneWay()
    {
        var map = SynonymMap.Parse("# comment\n医保, 医疗保险 # trailing comment\n\n株机 => 中车株机, 株洲电力机车\nＡＩ, 人工智能\n");
        Assert.That(map.RuleCount, Is.EqualTo(3));
        Assert.That(map.Lookup("医保"), Is.EqualTo(new[] { "医疗保险" }));
        Assert.That(map.Lookup("医疗保险"), Is.EqualTo(new[] { "医保" }));
        Assert.That(map.Lookup("株机"), Is.EqualTo(new[] { "中车株机", "株洲电力机车" }));
        Assert.That(map.Lookup("中车株机"), Is.Null, "one-way");
        Assert.That(map.Lookup("ai"), Is.EqualTo(new[] { "人工智能" }), "normalized like the index (NFKC, lowercase)");
    }

    [TestCase("医保\n", 1, "at least two words")]
    [TestCase("# ok\n医保, 医疗保险\n医保,, 医疗\n", 3, "empty word")]
    [TestCase("a => b => c\n", 1, "more than one")]
    [TestCase("医保 医疗保险, 保险\n", 1, "one word")]
    [TestCase("=> 中车株机\n", 1, "empty word")]
    public void TestBadLinesAreReportedWithTheirLineNumber(string text, int line, string what)
    {
        var e = Assert.Throws<SynonymFileException>(() => SynonymMap.Parse(text, "synonyms.txt"))!;
        Assert.That(e.Line, Is.EqualTo(line));
        Assert.That(e.Message, Does.StartWith($"synonyms.txt, line {line}:").And.Contain(what));
    }

    [Test]
    public void TestFileIsReadAtOpenAndReReadWhenItChanges()
    {
        string dir = Path.Combine(Path.GetTempPath(), "newssearch-synonyms-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, SynonymSource.FileName);
            var missing = SynonymSource.OpenFile(path);
            Assert.That(missing.Current.RuleCount, Is.EqualTo(0), "no file: no synonyms");

            File.WriteAllText(path, "医保, 医疗保险\n");
            var source = SynonymSource.OpenFile(path);
            Assert.That(source.Current.Lookup("医保"), Is.Not.Null);

            File.WriteAllText(path, "单车 => 自行车\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
            source.Refresh();
            Assert.That(source.Current.Lookup("医保"), Is.Null);
            Assert.That(source.Current.Lookup("单车"), Is.Not.Null);

            File.WriteAllText(path, "单车\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(2));
            source.Refresh();
            Assert.That(source.Current.Lookup("单车"), Is.Not.Null, "a bad edit keeps the last good rules");
            Assert.That(source.LastError, Does.Contain("line 1"));

            Assert.Throws<SynonymFileException>(() => SynonymSource.OpenFile(path), "a bad file at open is an error");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void TestShippedExampleFileParses()
    {
        string path = Path.Combine(Analysis.TestAnalysis.RepoRoot(), "docs", "synonyms.example.txt");
        var map = SynonymSource.OpenFile(path).Current;
        Assert.That(map.RuleCount, Is.GreaterThan(3));
    }
}
