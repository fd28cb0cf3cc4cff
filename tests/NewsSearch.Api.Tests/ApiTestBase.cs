using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Tests;

/// <summary>One test host per fixture over the data folder <see cref="CreateFactory"/> prepares, created with the
/// fixture's engine (derived fixtures take it from <see cref="NewsSearch.Core.Tests.EngineCases"/>).</summary>
public abstract class ApiTestBase(string engineName)
{
    protected string EngineName => engineName;

    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected NewsSearchFactory Factory { get; private set; } = null!;
    /// <summary>A caller from a non-loopback address without a key.</summary>
    protected HttpClient Client { get; private set; } = null!;

    /// <summary>The same caller with the host's API key.</summary>
    protected HttpClient Keyed { get; private set; } = null!;

    protected virtual NewsSearchFactory CreateFactory() => new(TestArticles.All) { Engine = engineName };

    [OneTimeSetUp]
    public void StartHost()
    {
        Factory = CreateFactory();
        Client = Factory.CreateClient();
        Keyed = Factory.CreateKeyedClient();
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        Client.Dispose();
        Keyed.Dispose();
        Factory.Dispose();
    }

    /// <summary>Asserts a problem response: status, problem+json, the code, and a trace id.</summary>
    protected static async Task<JsonElement> AssertProblem(HttpResponseMessage res, HttpStatusCode status, string code)
    {
        string text = await res.Content.ReadAsStringAsync();
        Assert.That(res.StatusCode, Is.EqualTo(status), text);
        Assert.That(res.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(code), text);
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(problem.GetProperty("traceId").GetString(), Is.Not.Empty);
        return problem;
    }

    /// <summary>Polls the search until <paramref name="condition"/> holds for its hits' ids (the index refreshes in the background).</summary>
    protected async Task<bool> EventuallyAsync(string query, Func<IReadOnlyList<string>, bool> condition, int timeoutMs = 10_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < timeoutMs)
        {
            var r = await SearchAsync(query);
            if (condition([.. r.Hits.Select(h => h.Id)])) return true;
            await Task.Delay(50);
        }
        return false;
    }

    protected async Task<SearchResponse> SearchAsync(string query)
    {
        var res = await Client.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(query)}");
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
        return (await res.Content.ReadFromJsonAsync<SearchResponse>(Json))!;
    }
}
