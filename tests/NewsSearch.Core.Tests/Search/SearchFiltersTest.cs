using NUnit.Framework;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Tests.Search;

/// <summary>The API/CLI spellings of sort, facets and days.</summary>
public class SearchFiltersTest
{
    [TestCase(null, HitOrder.Relevance)]
    [TestCase("", HitOrder.Relevance)]
    [TestCase("relevance", HitOrder.Relevance)]
    [TestCase("Newest", HitOrder.Newest)]
    [TestCase(" oldest ", HitOrder.Oldest)]
    public void TestSortNames(string? name, HitOrder expected) => Assert.That(SearchFilters.ParseSort(name), Is.EqualTo(expected));

    [Test]
    public void TestUnknownSortNamesTheKnownOnes() =>
        Assert.That(Assert.Throws<SearchRequestException>(() => SearchFilters.ParseSort("best"))!.Message,
            Is.EqualTo("Unknown sort 'best': use one of relevance, newest, oldest."));

    [Test]
    public void TestFacetListIsCommaSeparated()
    {
        Assert.That(SearchFilters.ParseFacets("month, author,,Section"), Is.EqualTo(FacetFields.Month | FacetFields.Author | FacetFields.Section));
        Assert.That(SearchFilters.ParseFacets(null), Is.EqualTo(FacetFields.None));
        Assert.That(Assert.Throws<SearchRequestException>(() => SearchFilters.ParseFacets("month,color"))!.Message, Does.StartWith("Unknown facet 'color'"));
    }

    [Test]
    public void TestDaysAreIsoDates()
    {
        Assert.That(SearchFilters.ParseDay("2026-05-30", "from"), Is.EqualTo(new DateOnly(2026, 5, 30)));
        Assert.That(SearchFilters.ParseDay(null, "from"), Is.Null);
        Assert.That(Assert.Throws<SearchRequestException>(() => SearchFilters.ParseDay("30.5.2026", "to"))!.Message,
            Is.EqualTo("to must be a day like 2026-05-30 (got '30.5.2026')."));
    }

    [Test]
    public void TestFilterIsNullWithoutFiltersAndOneClauseForOne()
    {
        Assert.That(SearchFilters.Build(new SearchRequest("x")), Is.Null);
        Assert.That(SearchFilters.Build(new SearchRequest("x") { Section = " 要闻 " })!.ToString(), Is.EqualTo("section:要闻"));
        Assert.That(SearchFilters.Build(new SearchRequest("x") { Author = "李逸峰", Kind = "notice" })!.ToString(), Is.EqualTo("#author:李逸峰 #kind:notice"));
    }
}
