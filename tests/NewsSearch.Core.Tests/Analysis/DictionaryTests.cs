using NewsSearch.Core.Analysis;
using NUnit.Framework;
using static NewsSearch.Core.Tests.Analysis.AnalysisAssert;

namespace NewsSearch.Core.Tests.Analysis;

[TestFixture]
public class DictionaryTests
{
    private string _tmp = "";

    [SetUp]
    public void SetUp()
    {
        _tmp = Path.Combine(Path.GetTempPath(), "newssearch-dict-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_tmp);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_tmp, true); } catch (IOException) { }
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_tmp, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static List<string> WordTerms(NewsAnalysis a, string text) =>
        Tokens(a.QueryAnalyzer(NewsFields.Body), text).Select(t => t.Term).ToList();

    [Test]
    public void TestMissingDictionary()
    {
        var e = Assert.Throws<AnalysisLoadException>(() =>
            NewsAnalysis.Load(new AnalysisOptions { DictionaryPath = Path.Combine(_tmp, "no-such-dict.txt") }));
        Assert.That(e!.Message, Does.Contain("apt-get install python3-jieba"));
        Assert.That(e.Message, Does.Contain("--dict"));
        Assert.That(e.Message, Does.Contain("no-such-dict.txt"));
    }

    [Test]
    public void TestMissingUserDictionary()
    {
        var e = Assert.Throws<AnalysisLoadException>(() =>
            NewsAnalysis.Load(new AnalysisOptions { UserDictionaryPath = Path.Combine(_tmp, "nope.txt") }));
        Assert.That(e!.Message, Does.Contain("user dictionary not found"));
    }

    [Test]
    public void TestMalformedDictionaryLine()
    {
        string dict = Write("dict.txt", "轨道 100 n\n交通 lots n\n");
        var e = Assert.Throws<AnalysisLoadException>(() => NewsAnalysis.Load(new AnalysisOptions { DictionaryPath = dict }));
        Assert.That(e!.Message, Does.Contain("line 2"));
    }

    [Test]
    public void TestUserDictionary()
    {
        var plain = TestAnalysis.Instance;
        Assert.That(WordTerms(plain, "中车株机株洲所健宁"), Is.Not.EquivalentTo(new[] { "中车株机", "株洲所", "健宁" }));

        string user = Write("userdict.txt", "# newsroom words\n中车株机\n株洲所 \n健宁 1000 nr\n\nＡＢＣ公司\n");
        var a = NewsAnalysis.Load(new AnalysisOptions { UserDictionaryPath = user, CacheDirectory = _tmp });
        Assert.That(WordTerms(a, "中车株机株洲所健宁"), Is.EqualTo(new[] { "中车株机", "株洲所", "健宁" }));
        // User words are normalized like text: the full-width entry matches ASCII text and vice versa.
        Assert.That(WordTerms(a, "abc公司"), Is.EqualTo(new[] { "abc公司" }));
        // A user word inside a longer text is a word there too, with sub-words from the main dictionary.
        var index = Tokens(a.IndexAnalyzer(NewsFields.Title), "株洲所报道").Select(t => (t.Term, t.Type)).ToList();
        Assert.That(index, Does.Contain(("株洲所", TokenType.Word)));
        Assert.That(index, Does.Contain(("株洲", TokenType.SubWord)));
        // The user dictionary is part of the signature: an index built without it is not silently reused.
        Assert.That(a.Signature.DictionaryHash, Is.Not.EqualTo(plain.Signature.DictionaryHash));
        Assert.That(a.Signature.Name, Is.EqualTo(plain.Signature.Name));
    }

    [Test]
    public void TestMixedUserWordKeepsItsPiecesFindable()
    {
        string user = Write("userdict.txt", "12345热线\n");
        var a = NewsAnalysis.Load(new AnalysisOptions { UserDictionaryPath = user });
        var doc = Tokens(a.IndexAnalyzer(NewsFields.Body), "拨打12345热线反映");
        Assert.That(doc.Select(t => (t.Term, t.Position, t.Type)), Is.EqualTo(new[]
        {
            ("拨打", 0, TokenType.Word), ("12345热线", 2, TokenType.Word), ("12345", 2, TokenType.SubWord),
            ("热线", 3, TokenType.SubWord), ("反映", 5, TokenType.Word),
        }));
        // The number alone and the text written with a space both still match, as a term and as a phrase.
        Assert.That(NewsAnalyzerTests.PhraseMatches(doc, Tokens(a.QueryAnalyzer(NewsFields.Body), "12345 热线")), Is.True);
        Assert.That(NewsAnalyzerTests.PhraseMatches(doc, Tokens(a.QueryAnalyzer(NewsFields.Body), "12345热线反映")), Is.True);
        Assert.That(doc.Any(t => t.Term == "12345"), Is.True);
        // Without the user word the same text has the same positions.
        var plain = Tokens(TestAnalysis.Instance.IndexAnalyzer(NewsFields.Body), "拨打12345热线反映");
        Assert.That(plain.Select(t => (t.Term, t.Position)), Is.EqualTo(new[] { ("拨打", 0), ("12345", 2), ("热线", 3), ("反映", 5) }));
    }

    [Test]
    public void TestSuggestedFrequencyLetsTheUserWordWin()
    {
        // Without a frequency the word gets jieba's suggest_freq, enough to beat the split it would otherwise get.
        string user = Write("userdict.txt", "交通安全规划\n");
        var a = NewsAnalysis.Load(new AnalysisOptions { UserDictionaryPath = user });
        Assert.That(WordTerms(a, "城市交通安全规划发布"), Does.Contain("交通安全规划"));
    }

    [Test]
    public void TestCompiledCacheIsReusedAndRebuiltWhenTheDictionaryChanges()
    {
        string dict = Write("dict.txt", "轨道 100 n\n交通 100 n\n轨道交通 10 n\n安全 50 a\n");
        var options = new AnalysisOptions { DictionaryPath = dict, CacheDirectory = _tmp };

        var first = NewsAnalysis.Load(options);
        Assert.That(first.LoadedFromCache, Is.False);
        Assert.That(File.Exists(first.CachePath), Is.True);
        Assert.That(first.CachePath, Does.StartWith(Path.Combine(_tmp, "analysis-cache")));

        var second = NewsAnalysis.Load(options);
        Assert.That(second.LoadedFromCache, Is.True);
        Assert.That(second.Signature, Is.EqualTo(first.Signature));
        Assert.That(WordTerms(second, "交通安全"), Is.EqualTo(WordTerms(first, "交通安全")));
        Assert.That(WordTerms(second, "交通安全"), Is.EqualTo(new[] { "交通", "安全" }));

        File.AppendAllText(dict, "交通安全 1000 n\n");
        var third = NewsAnalysis.Load(options);
        Assert.That(third.LoadedFromCache, Is.False);
        Assert.That(third.Signature.DictionaryHash, Is.Not.EqualTo(first.Signature.DictionaryHash));
        Assert.That(WordTerms(third, "交通安全"), Is.EqualTo(new[] { "交通安全" }));
        Assert.That(File.Exists(first.CachePath), Is.False, "the stale cache is removed");
    }

    [Test]
    public void TestCorruptCacheIsRebuilt()
    {
        string dict = Write("dict.txt", "轨道 100 n\n交通 100 n\n");
        var options = new AnalysisOptions { DictionaryPath = dict, CacheDirectory = _tmp };
        var first = NewsAnalysis.Load(options);
        File.WriteAllBytes(first.CachePath!, new byte[1000]);
        var second = NewsAnalysis.Load(options);
        Assert.That(second.LoadedFromCache, Is.False);
        Assert.That(WordTerms(second, "轨道交通"), Is.EqualTo(new[] { "轨道", "交通" }));
        Assert.That(NewsAnalysis.Load(options).LoadedFromCache, Is.True);
    }

    [Test]
    public void TestForDataFolderPicksUpUserDictionary()
    {
        var none = AnalysisOptions.ForDataFolder(_tmp);
        Assert.That(none.UserDictionaryPath, Is.Null);
        Assert.That(none.CacheDirectory, Is.EqualTo(_tmp));
        Write(AnalysisOptions.DefaultUserDictionaryFileName, "健宁\n");
        Assert.That(AnalysisOptions.ForDataFolder(_tmp).UserDictionaryPath,
            Is.EqualTo(Path.Combine(_tmp, AnalysisOptions.DefaultUserDictionaryFileName)));
        Assert.That(AnalysisOptions.ForDataFolder(_tmp, userDictionaryPath: "/x/u.txt").UserDictionaryPath, Is.EqualTo("/x/u.txt"));
    }
}
