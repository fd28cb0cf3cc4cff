using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Tests;

/// <summary>The query features of issue 9 through HTTP: explain, recency, fragment size, fallback, offsets,
/// whole-article highlighting and related articles; on every engine.</summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class QueryFeaturesApiTests(string engineName) : ApiTestBase(engineName)
{
    [Test]
    public async Task TestResponseCarriesAnalyzedQueryOffsetsAndExplanations()
    {
        var res = await Client.GetAsync($"/api/v1/search?q={Uri.EscapeDataString("公共自行车")}&explain=true&recency=30&fragmentSize=40");
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
        var json = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(json.GetProperty("analyzedQuery").GetString(), Does.Contain("body.cjk:"));
        Assert.That(json.GetProperty("partial").GetBoolean(), Is.False);
        var hit = json.GetProperty("hits")[0];
        var title = hit.GetProperty("matches").GetProperty("title")[0];
        Assert.That(title.GetProperty("start").GetInt32(), Is.EqualTo("市民排队办理".Length));
        Assert.That(title.GetProperty("length").GetInt32(), Is.EqualTo(5));
        Assert.That(hit.GetProperty("explanation").GetProperty("value").GetSingle(),
            Is.EqualTo(hit.GetProperty("score").GetSingle()).Within(1e-4));
        foreach (var snippet in hit.GetProperty("highlights").GetProperty("body").EnumerateArray())
            Assert.That(snippet.GetString()!.Replace("<mark>", "").Replace("</mark>", "").Length, Is.LessThanOrEqualTo(42));
    }

    [Test]
    public async Task TestAndThatFindsNothingFallsBackToOr()
    {
        var r = await SearchAsync("公共自行车 火星");
        Assert.That(r.Fallback, Is.EqualTo("or"));
        Assert.That(r.Hits.Select(h => h.Id), Is.EqualTo(new[] { "bike-refund" }));
        Assert.That((await SearchAsync("公共自行车")).Fallback, Is.Null);
    }

    [TestCase("/api/v1/search?q=a&fragmentSize=5")]
    [TestCase("/api/v1/search?q=a&fragmentSize=5000")]
    [TestCase("/api/v1/search?q=a&recency=0")]
    [TestCase("/api/v1/search?q=a&recency=-2")]
    [TestCase("/api/v1/search?q=a&recency=abc")]
    [TestCase("/api/v1/articles/bike-refund?q=%22open")]
    [TestCase("/api/v1/articles/bike-refund/related?count=0")]
    [TestCase("/api/v1/articles/bike-refund/related?count=51")]
    public async Task TestBadParametersAreProblemDetails(string url)
    {
        var res = await Client.GetAsync(url);
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await res.Content.ReadAsStringAsync());
        Assert.That(res.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task TestArticleWithQueryIsHighlightedWhole()
    {
        var res = await Client.GetAsync($"/api/v1/articles/bike-refund?q={Uri.EscapeDataString("押金")}");
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await res.Content.ReadFromJsonAsync<JsonElement>();
        var h = json.GetProperty("highlighted");
        Assert.That(h.GetProperty("title").GetString(), Is.EqualTo("市民排队办理公共自行车<mark>押金</mark>退还"));
        Assert.That(h.GetProperty("body").GetString(), Does.StartWith("本月起,公共自行车<mark>押金</mark>可以"));
        Assert.That(h.GetProperty("body").GetString(), Does.Contain("\n工作人员提醒"), "the whole body, not snippets");
        var plain = await (await Client.GetAsync("/api/v1/articles/bike-refund")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(plain.TryGetProperty("highlighted", out var none) && none.ValueKind != JsonValueKind.Null, Is.False);
    }

    [Test]
    public async Task TestRelatedArticles()
    {
        var res = await Client.GetAsync("/api/v1/articles/bike-refund/related");
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
        var related = (await res.Content.ReadFromJsonAsync<RelatedResponse>(Json))!;
        Assert.That(related.Hits.Select(h => h.Id), Does.Not.Contain("bike-refund"));
        Assert.That(related.Hits.Select(h => h.Id), Does.Contain("rail-transit"), "shares 自行车");
        Assert.That((await Client.GetAsync("/api/v1/articles/nope/related")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
