using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using NewsSearch.Api.Infrastructure;

namespace NewsSearch.Api.Tests;

/// <summary>Writes and admin need X-Api-Key, from any address; reads are open unless keyed by option.</summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class ApiKeyTests(string engineName) : ApiTestBase(engineName)
{
    private static HttpRequestMessage AdminGet(string? key)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/jobs");
        if (key is not null) req.Headers.Add(ApiKeys.HeaderName, key);
        return req;
    }

    [Test]
    public async Task TestRemoteCallerWithoutKeyIsRefused401()
    {
        await AssertProblem(await Client.SendAsync(AdminGet(null)), HttpStatusCode.Unauthorized, "missing_api_key");
        var put = await Client.PutAsJsonAsync("/api/v1/articles/x1", new { title = "标题", body = "正文" });
        await AssertProblem(put, HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.That(put.Headers.WwwAuthenticate.ToString(), Does.Contain("X-Api-Key"));
    }

    [Test]
    public async Task TestWrongKeyIsRefused403()
    {
        await AssertProblem(await Client.SendAsync(AdminGet("wrong-key-0123456789abcdef")), HttpStatusCode.Forbidden, "invalid_api_key");
        // Same length but one character off, and a prefix of the key: both refused.
        string key = NewsSearchFactory.TestKey;
        await AssertProblem(await Client.SendAsync(AdminGet(key[..^1] + "X")), HttpStatusCode.Forbidden, "invalid_api_key");
        await AssertProblem(await Client.SendAsync(AdminGet(key[..8])), HttpStatusCode.Forbidden, "invalid_api_key");
    }

    [Test]
    public async Task TestRightKeyIsAccepted()
    {
        Assert.That((await Client.SendAsync(AdminGet(NewsSearchFactory.TestKey))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TestReadsAreOpenByDefault()
    {
        Assert.That((await Client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("自行车"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.GetAsync("/api/v1/articles/bike-refund")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TestLoopbackAndMissingRemoteAddressAreNotTrusted()
    {
        foreach (var address in new[] { IPAddress.Loopback, null })
        {
            using var factory = new NewsSearchFactory(TestArticles.All) { Engine = EngineName, RemoteAddress = address };
            using var client = factory.CreateClient();
            await AssertProblem(await client.PostAsync("/api/v1/admin/reindex", null), HttpStatusCode.Unauthorized, "missing_api_key");
        }
    }

    [Test]
    public async Task TestWithoutAConfiguredKeyWritesAndAdminAreRefused()
    {
        using var factory = new NewsSearchFactory(TestArticles.All) { Engine = EngineName, ApiKey = null, RemoteAddress = IPAddress.Loopback };
        using var client = factory.CreateClient();
        await AssertProblem(await client.PostAsync("/api/v1/admin/reindex", null), HttpStatusCode.Forbidden, "api_key_not_configured");
        await AssertProblem(await client.DeleteAsync("/api/v1/articles/bike-refund"), HttpStatusCode.Forbidden, "api_key_not_configured");
        Assert.That((await client.GetAsync("/api/v1/articles/bike-refund")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TestKeyedReadsNeedTheKeyButHealthStaysOpen()
    {
        using var factory = new NewsSearchFactory(TestArticles.All) { Engine = EngineName, Settings = { ["RequireKeyForReads"] = "true" } };
        using var client = factory.CreateClient();
        using var keyed = factory.CreateKeyedClient();
        string search = "/api/v1/search?q=" + Uri.EscapeDataString("自行车");
        await AssertProblem(await client.GetAsync(search), HttpStatusCode.Unauthorized, "missing_api_key");
        await AssertProblem(await client.GetAsync("/api/v1/articles/bike-refund"), HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.That((await keyed.GetAsync(search)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/healthz/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/openapi/v1.json")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TestKeyFromKeyFileIsUsed()
    {
        string file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "file-key-abcdefghijklmnop\n");
        try
        {
            using var factory = new NewsSearchFactory(TestArticles.All) { Engine = EngineName, ApiKey = null, Settings = { ["ApiKeyFile"] = file } };
            using var client = factory.CreateClient();
            using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/jobs");
            req.Headers.Add(ApiKeys.HeaderName, "file-key-abcdefghijklmnop");
            Assert.That((await client.SendAsync(req)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally { File.Delete(file); }
    }

    [Test]
    public void TestUnusableKeyFilesStopStartupWithTheirReason()
    {
        string empty = Path.GetTempFileName();
        try
        {
            var missing = Assert.Throws<ApiKeyConfigurationException>(() => Keys(new NewsSearchOptions { ApiKeyFile = "/nonexistent/key" }));
            Assert.That(missing!.Message, Does.Contain("/nonexistent/key"));
            Assert.That(Assert.Throws<ApiKeyConfigurationException>(() => Keys(new NewsSearchOptions { ApiKeyFile = empty }))!.Message, Does.Contain("empty"));
            Assert.That(Assert.Throws<ApiKeyConfigurationException>(() => Keys(new NewsSearchOptions { ApiKey = "short" }))!.Message, Does.Contain("at least 16"));
        }
        finally { File.Delete(empty); }
    }

    [Test]
    public void TestKeyComparisonIsExact()
    {
        var keys = Keys(new NewsSearchOptions { ApiKey = "exact-key-0123456789" });
        Assert.That(keys.Matches("exact-key-0123456789"), Is.True);
        Assert.That(keys.Matches("exact-key-0123456789 "), Is.False);
        Assert.That(keys.Matches("EXACT-KEY-0123456789"), Is.False);
        Assert.That(keys.Matches(""), Is.False);
        Assert.That(Keys(new NewsSearchOptions()).IsConfigured, Is.EqualTo(Environment.GetEnvironmentVariable(ApiKeys.EnvironmentVariable) is { Length: > 0 }));
    }

    private static ApiKeys Keys(NewsSearchOptions o) => new(Options.Create(o));
}
