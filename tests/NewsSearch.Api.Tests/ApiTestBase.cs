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
    protected HttpClient Client { get; private set; } = null!;

    protected virtual NewsSearchFactory CreateFactory() => new(TestArticles.All) { Engine = engineName };

    [OneTimeSetUp]
    public void StartHost()
    {
        Factory = CreateFactory();
        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        Client.Dispose();
        Factory.Dispose();
    }

    protected async Task<SearchResponse> SearchAsync(string query)
    {
        var res = await Client.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(query)}");
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
        return (await res.Content.ReadFromJsonAsync<SearchResponse>(Json))!;
    }
}
