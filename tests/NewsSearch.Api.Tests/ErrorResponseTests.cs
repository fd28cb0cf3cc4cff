using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace NewsSearch.Api.Tests;

/// <summary>Errors beyond the endpoints: limits, server errors, and the time before the index is open.</summary>
// Engine-independent: runs on the default engine.
public class ErrorResponseTests() : ApiTestBase(EngineNames.Native)
{
    [Test]
    public async Task TestUrlOverTheLimitIsProblem414()
    {
        var res = await Client.GetAsync("/api/v1/search?q=" + new string('a', 20_000));
        await AssertProblem(res, HttpStatusCode.RequestUriTooLong, "uri_too_long");
    }

    [Test]
    public async Task TestHeadersOverTheLimitAreProblem431()
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/search?q=a");
        req.Headers.Add("X-Padding", new string('x', 40_000));
        await AssertProblem(await Client.SendAsync(req), HttpStatusCode.RequestHeaderFieldsTooLarge, "headers_too_large");
    }

    [Test]
    public async Task TestArgumentExceptionFromDeepCodeIs500LoggedWithTraceIdAndSaysNothingInternal()
    {
        var res = await Client.GetAsync(NewsSearchFactory.FailingPath);
        var problem = await AssertProblem(res, HttpStatusCode.InternalServerError, "internal_error");
        string traceId = problem.GetProperty("traceId").GetString()!;
        Assert.That(problem.ToString(), Does.Not.Contain("secret").And.Not.Contain("xyz").And.Not.Contain("ArgumentException"));
        Assert.That(Factory.Log, Has.Some.Contains("Error: ").And.Contains(traceId).And.Contains("ArgumentException"));
    }
}

/// <summary>The host listens before the index is open; engine-needing requests get 503 index_unavailable until then.</summary>
public class StartupTests
{
    [Test]
    public async Task TestHostAnswersBeforeTheIndexIsOpenAndIsReadyAfter()
    {
        using var factory = new NewsSearchFactory(TestArticles.All) { HoldEngineOpen = true };
        using var client = factory.CreateKeyedClient();
        Assert.That((await client.GetAsync("/healthz/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await client.GetAsync("/healthz/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That((await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString(), Is.EqualTo("index_unavailable"));
        foreach (var res in new[]
                 {
                     await client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("公共自行车")),
                     await client.GetAsync("/api/v1/articles/bike-refund"),
                     await client.DeleteAsync("/api/v1/articles/bike-refund"),
                     await client.PostAsync("/api/v1/admin/reindex", null),
                 })
        {
            Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(res.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That((await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString(), Is.EqualTo("index_unavailable"));
            Assert.That(res.Headers.RetryAfter, Is.Not.Null);
        }

        factory.OpenEngine();
        for (int i = 0; i < 200 && (await client.GetAsync("/healthz/ready")).StatusCode != HttpStatusCode.OK; i++) await Task.Delay(50);
        var body = await client.GetFromJsonAsync<JsonElement>("/healthz/ready");
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("ready"));
        Assert.That(body.GetProperty("indexedSequence").GetInt64(), Is.EqualTo(body.GetProperty("storeSequence").GetInt64()));
        Assert.That((await client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("公共自行车"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
