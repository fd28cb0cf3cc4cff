using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NewsSearch.Core.Store;

namespace NewsSearch.Api.Tests;

/// <summary>The real server (Kestrel on a loopback port): its limits fit the documented query limits.</summary>
public class KestrelLimitsTests
{
    private string _data = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _data = Path.Combine(Path.GetTempPath(), "newssearch-kestrel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_data);
        using (var store = new ArticleStore(_data)) store.UpsertMany(TestArticles.All);
        _app = Api.NewsSearchApp.Build(["--data", _data, "--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
        for (int i = 0; i < 400 && (await _client.GetAsync("/healthz/ready")).StatusCode != HttpStatusCode.OK; i++) await Task.Delay(50);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Test]
    public async Task TestThousandCharacterChineseQueryInTheUrlIsServed()
    {
        string query = string.Concat(Enumerable.Repeat("轨道交通产业园开工建设", 100))[..1000];
        string url = "/api/v1/search?q=" + Uri.EscapeDataString(query);
        Assert.That(url.Length, Is.GreaterThan(9000), "percent-encoded UTF-8");
        var res = await _client.GetAsync(url);
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task TestOverlongUrlAndHeadersAreProblemJsonFromTheRealServer()
    {
        var uri = await _client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(new string('路', 3000)));
        Assert.That(uri.StatusCode, Is.EqualTo(HttpStatusCode.RequestUriTooLong));
        Assert.That(uri.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await uri.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString(), Is.EqualTo("uri_too_long"));

        using var req = new HttpRequestMessage(HttpMethod.Get, "/healthz/live");
        req.Headers.Add("X-Padding", new string('x', 40_000));
        var headers = await _client.SendAsync(req);
        Assert.That(headers.StatusCode, Is.EqualTo(HttpStatusCode.RequestHeaderFieldsTooLarge));
        Assert.That((await headers.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString(), Is.EqualTo("headers_too_large"));
    }
}
