using NUnit.Framework;
using System.Text.Json;
using NewsSearch.Core.Index;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// Data-driven searches (bleve style): every entry of searches.json is a query, a comment and the expected hits,
/// in order or as a set, over the fixture corpus in corpus.json.
/// </summary>
[TestFixture]
public class SearchesTest
{
    public sealed record Case(string Query, string Comment, string[] Hits, bool Ordered)
    {
        public override string ToString() => Query;
    }

    public static IEnumerable<Case> Cases()
    {
        var json = File.ReadAllText(TestCorpus.FixturePath("searches.json"));
        return JsonSerializer.Deserialize<Case[]>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static DirectoryReader? s_reader;

    private static DirectoryReader Reader => s_reader ??=
        TestCorpus.Open(TestCorpus.Load(TestCorpus.FixturePath("corpus.json")), f => TestAnalyzers.For(f, false));

    [TestCaseSource(nameof(Cases))]
    public void TestSearchesOverMemoryIndex(Case c)
    {
        var parser = new QueryParser(f => TestAnalyzers.For(f, true));
        var query = parser.Parse(c.Query);
        var searcher = new IndexSearcher(Reader);
        var top = searcher.Search(query, 100);
        var ids = top.ScoreDocs.Select(d => searcher.GetId(d.Doc)).ToArray();
        string because = $"{c.Comment}; parsed as {query}; got [{string.Join(", ", ids)}]";
        if (c.Ordered) Assert.That(ids, Is.EqualTo(c.Hits), because);
        else Assert.That(ids, Is.EquivalentTo(c.Hits), because);
        Assert.That(top.TotalHits, Is.EqualTo(c.Hits.Length), because);
    }
}
