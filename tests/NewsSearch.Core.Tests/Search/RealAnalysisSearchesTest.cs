using NUnit.Framework;
using System.Text.Json;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;
using NewsSearch.Core.Tests.Analysis;

namespace NewsSearch.Core.Tests.Search;

/// <summary>searches.json again, with the real news analysis (jieba dictionary) over the in-memory segments.</summary>
[TestFixture]
public class RealAnalysisSearchesTest
{
    private static DirectoryReader? s_reader;

    private static DirectoryReader Reader => s_reader ??=
        TestCorpus.Open(TestCorpus.Load(TestCorpus.FixturePath("corpus.json")), TestAnalysis.Instance.IndexAnalyzer);

    [TestCaseSource(typeof(SearchesTest), nameof(SearchesTest.Cases))]
    public void TestSearchesWithNewsAnalysis(SearchesTest.Case c)
    {
        var parser = new QueryParser(TestAnalysis.Instance.QueryAnalyzer);
        var query = parser.Parse(c.Query);
        var searcher = new IndexSearcher(Reader);
        var top = searcher.Search(query, 100);
        var ids = top.ScoreDocs.Select(d => searcher.GetId(d.Doc)).ToArray();
        string because = $"{c.Comment}; parsed as {query}; got [{string.Join(", ", ids)}]";
        if (c.Ordered) Assert.That(ids, Is.EqualTo(c.Hits), because);
        else Assert.That(ids, Is.EquivalentTo(c.Hits), because);
    }
}
