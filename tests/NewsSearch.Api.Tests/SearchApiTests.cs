using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Tests;

[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class SearchApiTests(string engineName) : ApiTestBase(engineName)
{

    [Test]
    public async Task TestSearchReturnsHighlightedHitFirst()
    {
        var r = await SearchAsync("公共自行车");
        Assert.That(r.TotalHits, Is.EqualTo(1));
        var hit = r.Hits[0];
        Assert.That(hit.Id, Is.EqualTo("bike-refund"));
        Assert.That(hit.Authors, Is.EqualTo(new[] { "周明", "李华" }));
        Assert.That(hit.PublishedAt, Is.EqualTo(new DateOnly(2026, 1, 8)));
        Assert.That(hit.Highlights.Title, Does.Contain("<mark>公共自行车</mark>"));
        Assert.That(hit.Highlights.Body, Has.Some.Contains("<mark>公共自行车</mark>"));
        Assert.That(hit.Score, Is.GreaterThan(0));
    }

    [Test]
    public async Task TestWordsAreAndedByDefault()
    {
        Assert.That((await SearchAsync("自行车")).Hits.Select(h => h.Id), Is.EquivalentTo(new[] { "bike-refund", "rail-transit" }));
        Assert.That((await SearchAsync("自行车 轨道交通")).Hits.Select(h => h.Id), Is.EqualTo(new[] { "rail-transit" }));
    }

    [Test]
    public async Task TestQuotedPhrase()
    {
        Assert.That((await SearchAsync("\"押金退还\"")).Hits.Select(h => h.Id), Is.EqualTo(new[] { "bike-refund" }));
        Assert.That((await SearchAsync("\"退还押金\"")).TotalHits, Is.EqualTo(0));
    }

    [Test]
    public async Task TestSnippetsAreEscapedBeforeMarking()
    {
        var hit = (await SearchAsync("脚本注入")).Hits.Single();
        string body = string.Join(" ", hit.Highlights.Body);
        Assert.That(body, Does.Contain("&lt;script&gt;"));
        Assert.That(body, Does.Not.Contain("<script>"));
        Assert.That(body, Does.Contain("<mark>"));
    }

    [TestCase("/api/v1/search", "missing_query")]
    [TestCase("/api/v1/search?q=%20", "missing_query")]
    [TestCase("/api/v1/search?q=a&page=0", "page_out_of_range")]
    [TestCase("/api/v1/search?q=a&page=2000&pageSize=10", "page_out_of_range")]
    [TestCase("/api/v1/search?q=a&pageSize=1000", "invalid_parameter")]
    [TestCase("/api/v1/search?q=a&pageSize=0", "invalid_parameter")]
    [TestCase("/api/v1/search?q=a&page=abc", "invalid_parameter")]
    [TestCase("/api/v1/search?q=%22unclosed", "invalid_query")]
    [TestCase("/api/v1/analyze", "missing_text")]
    public async Task TestBadInputIsProblemWithCode(string url, string code)
    {
        await AssertProblem(await Client.GetAsync(url), HttpStatusCode.BadRequest, code);
    }

    [Test]
    public async Task TestUnparsableNumberNamesTheParameter()
    {
        var problem = await AssertProblem(await Client.GetAsync("/api/v1/search?q=a&pageSize=ten"), HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("'ten' is not a valid value for pageSize."));
    }

    [Test]
    public async Task TestInvalidQuerySaysWhere()
    {
        var problem = await AssertProblem(await Client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("自行车 \"押金")), HttpStatusCode.BadRequest, "invalid_query");
        Assert.That(problem.GetProperty("position").GetInt32(), Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public async Task TestThousandCharacterChineseQueryIsANormalRequest()
    {
        string query = string.Concat(Enumerable.Repeat("公共自行车押金退还", 112))[..SearchRequest.MaxQueryLength];
        var res = await Client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(query));
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
        var tooLong = await Client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(query + "车"));
        await AssertProblem(tooLong, HttpStatusCode.BadRequest, "query_too_long");
    }

    [Test]
    public async Task TestTooLongAnalyzeTextIsProblem()
    {
        var res = await Client.GetAsync("/api/v1/analyze?text=" + new string('a', 10_001));
        await AssertProblem(res, HttpStatusCode.BadRequest, "text_too_long");
    }

    [Test]
    public async Task TestPaging()
    {
        var res = await Client.GetFromJsonAsync<SearchResponse>("/api/v1/search?q=自行车&page=2&pageSize=1", Json);
        Assert.That(res!.TotalHits, Is.EqualTo(2));
        Assert.That(res.Hits, Has.Count.EqualTo(1));
        Assert.That(res.Page, Is.EqualTo(2));
    }

    [Test]
    public async Task TestSortFiltersAndFacetsInTheQueryString()
    {
        // 自行车 is in bike-refund (2026-01-08, 城事) and rail-transit (2026-01-09, no section).
        var r = (await Client.GetFromJsonAsync<SearchResponse>("/api/v1/search?q=自行车&sort=newest&facets=month,section,author", Json))!;
        Assert.That(r.Hits.Select(h => h.Id), Is.EqualTo(new[] { "rail-transit", "bike-refund" }));
        Assert.That(r.Facets!["month"], Is.EqualTo(new[] { new FacetValue("2026-01", 2) }));
        Assert.That(r.Facets["section"], Is.EqualTo(new[] { new FacetValue("城事", 1) }));
        Assert.That(r.Facets["author"].Select(v => v.Value), Is.EquivalentTo(new[] { "周明", "李华", "陈静" }));
        var filtered = (await Client.GetFromJsonAsync<SearchResponse>("/api/v1/search?q=自行车&from=2026-01-09&to=2026-01-31&sort=oldest", Json))!;
        Assert.That(filtered.Hits.Select(h => h.Id), Is.EqualTo(new[] { "rail-transit" }));
        Assert.That(filtered.Facets, Is.Null);
        var byAuthor = (await Client.GetFromJsonAsync<SearchResponse>($"/api/v1/search?q=自行车&author={Uri.EscapeDataString("李华")}&section={Uri.EscapeDataString("城事")}&kind=article", Json))!;
        Assert.That(byAuthor.Hits.Select(h => h.Id), Is.EqualTo(new[] { "bike-refund" }));
    }

    [TestCase("sort=best", "Unknown sort 'best'")]
    [TestCase("facets=month,color", "Unknown facet 'color'")]
    [TestCase("from=2026-02-01&to=2026-01-01", "is after to")]
    [TestCase("from=yesterday", "from must be a day like")]
    [TestCase("kind=letter", "Unknown kind 'letter'")]
    [TestCase("page=101&pageSize=100", "at most 10000")]
    public async Task TestBadSearchParametersAreProblems(string parameters, string detail)
    {
        var res = await Client.GetAsync("/api/v1/search?q=自行车&" + parameters);
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(res.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await res.Content.ReadAsStringAsync(), Does.Contain(detail));
    }
}
