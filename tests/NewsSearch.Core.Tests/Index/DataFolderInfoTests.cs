using NUnit.Framework;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Tests.Index;

/// <summary>{data}/datafolder.json: chosen at creation, checked on every open.</summary>
public class DataFolderInfoTests
{
    private string _data = "";

    [SetUp]
    public void SetUp() => _data = IndexTestKit.NewTempFolder();

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    [Test]
    public void TestNewFolderTakesTheRequestOrTheDefaults()
    {
        Assert.That(DataFolderInfo.Resolve(_data, null, null), Is.EqualTo(new DataFolderInfo(EngineNames.Native, WordAnalysisNames.Jieba)));
        Assert.That(DataFolderInfo.Resolve(_data, EngineNames.Lucene, WordAnalysisNames.SmartCn),
            Is.EqualTo(new DataFolderInfo(EngineNames.Lucene, WordAnalysisNames.SmartCn)));
    }

    [Test]
    public void TestRecordedChoiceIsKeptAndAnotherIsRefused()
    {
        new DataFolderInfo(EngineNames.Native, WordAnalysisNames.Jieba).Write(_data);
        Assert.That(File.ReadAllText(DataFolderInfo.PathOf(_data)), Does.Contain("\"engine\": \"native\"").And.Contain("\"analysis\": \"jieba\""));
        Assert.That(DataFolderInfo.Resolve(_data, null, null).Engine, Is.EqualTo(EngineNames.Native));
        Assert.That(DataFolderInfo.Resolve(_data, EngineNames.Native, WordAnalysisNames.Jieba).Analysis, Is.EqualTo(WordAnalysisNames.Jieba));
        var e = Assert.Throws<DataFolderMismatchException>(() => DataFolderInfo.Resolve(_data, EngineNames.Lucene, null))!;
        Assert.That(e.Message, Does.Contain("uses engine 'native', not 'lucene'").And.Contain("reindex --engine lucene"));
        var a = Assert.Throws<DataFolderMismatchException>(() => DataFolderInfo.Resolve(_data, null, WordAnalysisNames.SmartCn))!;
        Assert.That(a.Message, Does.Contain("uses analysis 'jieba', not 'smartcn'"));
    }

    [Test]
    public void TestFolderWithAnIndexButNoRecordIsNativeAndJieba()
    {
        Directory.CreateDirectory(Path.Combine(_data, "index"));
        File.WriteAllText(Path.Combine(_data, "index", IndexManager.CurrentFileName), "v1\n");
        Assert.That(DataFolderInfo.Resolve(_data, null, null), Is.EqualTo(DataFolderInfo.Default));
        Assert.That(() => DataFolderInfo.Resolve(_data, EngineNames.Lucene, null), Throws.TypeOf<DataFolderMismatchException>());
    }

    [Test]
    public void TestBrokenRecordIsAClearError()
    {
        File.WriteAllText(DataFolderInfo.PathOf(_data), "{\"engine\": ");
        Assert.That(() => DataFolderInfo.Read(_data), Throws.TypeOf<InvalidDataException>().With.Message.Contains("datafolder.json"));
        File.WriteAllText(DataFolderInfo.PathOf(_data), "{\"engine\": \"native\"}");
        Assert.That(() => DataFolderInfo.Read(_data), Throws.TypeOf<InvalidDataException>().With.Message.Contains("\"analysis\""));
    }

    [Test]
    public void TestUnknownEngineNamesTheKnownOnes() =>
        Assert.That(() => EngineCatalog.Get("elastic"), Throws.ArgumentException.With.Message.Contains("unknown engine 'elastic'").And.Message.Contains("native"));
}
