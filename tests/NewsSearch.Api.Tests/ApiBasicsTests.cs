using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace NewsSearch.Api.Tests;

[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class ApiBasicsTests(string engineName) : ApiTestBase(engineName)
{

    [Test]
    public async Task TestGetArticle()
    {
        var a = await Client.GetFromJsonAsync<JsonElement>("/api/v1/articles/bike-refund");
        Assert.That(a.GetProperty("title").GetString(), Is.EqualTo(TestArticles.BikeRefund.Title));
        Assert.That(a.GetProperty("body").GetString(), Is.EqualTo(TestArticles.BikeRefund.Body));
        Assert.That(a.GetProperty("reporters")[0].GetString(), Is.EqualTo("周明"));
        Assert.That(a.GetProperty("publishedAt").GetString(), Is.EqualTo("2026-01-08"));
    }

    [Test]
    public async Task TestMissingArticleIsProblem404()
    {
        await AssertProblem(await Client.GetAsync("/api/v1/articles/no-such-id"), HttpStatusCode.NotFound, "not_found");
    }

    [Test]
    public async Task TestUnknownRouteIsProblem404()
    {
        await AssertProblem(await Client.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "not_found");
    }

    [Test]
    public async Task TestWrongMethodIsProblem405()
    {
        await AssertProblem(await Client.PostAsync("/api/v1/search?q=a", null), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Test]
    public async Task TestOpenApiListsProblemResponses()
    {
        var doc = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var responses = doc.GetProperty("paths").GetProperty("/api/v1/articles/{id}").GetProperty("get").GetProperty("responses");
        Assert.That(responses.TryGetProperty("404", out var notFound), Is.True);
        Assert.That(notFound.GetProperty("content").TryGetProperty("application/problem+json", out _), Is.True);
    }

    [Test]
    public async Task TestAnalyzeShowsTokensWithOffsets()
    {
        var res = await Client.GetFromJsonAsync<JsonElement>("/api/v1/analyze?text=" + Uri.EscapeDataString("轨道交通"));
        var body = res.GetProperty("fields").EnumerateArray().First(f => f.GetProperty("field").GetString() == "body");
        var tokens = body.GetProperty("tokens").EnumerateArray()
            .Select(t => (t.GetProperty("term").GetString(), t.GetProperty("startOffset").GetInt32(), t.GetProperty("endOffset").GetInt32()))
            .ToList();
        Assert.That(tokens, Does.Contain(("轨道交通", 0, 4)));
        Assert.That(tokens, Does.Contain(("交通", 2, 4)));
        var missing = await Client.GetAsync("/api/v1/analyze");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task TestHealth()
    {
        Assert.That((await Client.GetAsync("/healthz/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await Client.GetFromJsonAsync<JsonElement>("/healthz/ready");
        Assert.That(ready.GetProperty("status").GetString(), Is.EqualTo("ready"));
        Assert.That(ready.GetProperty("engine").GetString(), Is.EqualTo(EngineName));
        Assert.That(ready.GetProperty("analysis").GetString(), Is.EqualTo("jieba"));
        Assert.That(ready.GetProperty("documents").GetInt64(), Is.EqualTo(3));
    }

    [Test]
    public async Task TestOpenApiDocumentDescribesSearch()
    {
        var doc = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var search = doc.GetProperty("paths").GetProperty("/api/v1/search").GetProperty("get");
        Assert.That(search.GetProperty("operationId").GetString(), Is.EqualTo("Search"));
        var names = search.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString());
        Assert.That(names, Is.SupersetOf(new[] { "q", "page", "pageSize" }));
    }

    [Test]
    public async Task TestBuildWroteOpenApiDocument()
    {
        string file = Path.Combine(NewsSearchFactory.RepositoryRoot, "openapi", "newssearch.json");
        Assert.That(File.Exists(file), Is.True, "the build writes the OpenAPI document into openapi/");
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        Assert.That(doc.RootElement.GetProperty("paths").TryGetProperty("/api/v1/search", out _), Is.True);
    }

    [Test]
    public async Task TestSwaggerUiAndPageAreServed()
    {
        var swagger = await Client.GetAsync("/swagger/index.html");
        Assert.That(swagger.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var page = await Client.GetStringAsync("/");
        Assert.That(page, Does.Contain("NewsSearch"));
        Assert.That(await Client.GetStringAsync("/app.js"), Does.Contain("/api/v1/search").Or.Contain("api/v1/search"));
    }

    [Test]
    public void TestHostRefusesToStartOnAFolderOfAnotherEngine()
    {
        string other = EngineName == EngineNames.Native ? EngineNames.Lucene : EngineNames.Native;
        using var factory = new NewsSearchFactory { Engine = other };
        new DataFolderInfo(EngineName, "jieba").Write(factory.DataFolder);
        // The engine opens in the background: the host stays unready and logs why.
        var e = Assert.Throws<InvalidOperationException>(() => factory.CreateClient())!;
        Assert.That(e.Message, Does.Contain($"uses engine '{EngineName}', not '{other}'"));
    }

    [Test]
    public async Task TestAdminStatsNameTheEngine()
    {
        var stats = await Keyed.GetFromJsonAsync<JsonElement>("/api/v1/admin/stats");
        Assert.That(stats.GetProperty("engine").GetString(), Is.EqualTo(EngineName));
        Assert.That(stats.GetProperty("format").GetString(), Does.StartWith(EngineName + "/"));
        Assert.That(stats.GetProperty("numDocs").GetInt32(), Is.EqualTo(3));
    }
}
