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
    /// <summary>One search; <paramref name="Fallback"/>: the default AND finds nothing and the OR rerun gives the hits.</summary>
    public sealed record Case(string Query, string Comment, string[] Hits, bool Ordered, bool Fallback = false)
    {
        public override string ToString() => Query;
    }

    /// <summary>The synonyms every runner of these searches uses (fixture synonyms.txt).</summary>
    public static SynonymSource Synonyms { get; } = SynonymSource.OpenFile(TestCorpus.FixturePath("synonyms.txt"));

    /// <summary>Runs a case as NewsSearcher ranks: the parsed query (its OR form when the AND finds nothing), then
    /// the proximity bonus.</summary>
    public static void RunAndAssert(Case c, QueryParser parser, IEngineSnapshot snapshot)
    {
        var r = NewsSearcher.Rank(snapshot, parser.ParseWithFallback(c.Query), 100);
        var ids = r.Result.Hits.Select(h => h.Id).ToArray();
        string because = $"{c.Comment}; parsed as {r.Query} | proximity {r.Proximity}; got [{string.Join(", ", ids)}]";
        if (c.Ordered) Assert.That(ids, Is.EqualTo(c.Hits), because);
        else Assert.That(ids, Is.EquivalentTo(c.Hits), because);
        Assert.That(r.Result.TotalHits, Is.EqualTo(c.Hits.Length), because);
        Assert.That(r.Fallback is not null, Is.EqualTo(c.Fallback), "fallback: " + because);
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
    public void TestSearchesOverMemoryIndex(Case c) =>
        RunAndAssert(c, new QueryParser(f => TestAnalyzers.For(f, true), new QueryParserOptions { Synonyms = Synonyms }), new ReaderSnapshot(Reader));
}
