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
    public void TestSearchesWithNewsAnalysis(SearchesTest.Case c) =>
        SearchesTest.RunAndAssert(c, new QueryParser(TestAnalysis.Instance.QueryAnalyzer,
            new QueryParserOptions { Synonyms = SearchesTest.Synonyms }), new ReaderSnapshot(Reader));
}
