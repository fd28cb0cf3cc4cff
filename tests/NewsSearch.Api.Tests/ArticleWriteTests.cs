using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace NewsSearch.Api.Tests;

/// <summary>PUT, POST and DELETE of articles: into the store, then searchable (or gone) after the next refresh.</summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class ArticleWriteTests(string engineName) : ApiTestBase(engineName)
{
    private static StringContent Body(string json, string type = "application/json") => new(json, Encoding.UTF8, type);

    [Test]
    public async Task TestPutCreatesThenReplacesAndTheArticleBecomesSearchable()
    {
        var created = await Keyed.PutAsync("/api/v1/articles/tea-fair",
            Body("""{"title":"茶博会在会展中心开幕","body":"第三届茶博会今天开幕，两百多家茶企参展。","authors":"周明、李华","publishedAt":"2026-02-01"}"""));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That(created.Headers.Location?.ToString(), Is.EqualTo("/api/v1/articles/tea-fair"));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(body.GetProperty("outcome").GetString(), Is.EqualTo("created"));
        long sequence = body.GetProperty("sequence").GetInt64();
        Assert.That(await EventuallyAsync("茶博会", ids => ids.Contains("tea-fair")), Is.True, "a PUT article becomes searchable");

        var stored = await Client.GetFromJsonAsync<JsonElement>("/api/v1/articles/tea-fair");
        Assert.That(stored.GetProperty("sequence").GetInt64(), Is.EqualTo(sequence));
        Assert.That(stored.GetProperty("reporters").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "周明", "李华" }));

        var same = await Keyed.PutAsync("/api/v1/articles/tea-fair",
            Body("""{"id":"tea-fair","title":"茶博会在会展中心开幕","body":"第三届茶博会今天开幕，两百多家茶企参展。","authors":"周明、李华","publishedAt":"2026-02-01"}"""));
        Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString(), Is.EqualTo("unchanged"));

        var replaced = await Keyed.PutAsync("/api/v1/articles/tea-fair", Body("""{"title":"茶博会闭幕","body":"为期三天的茶博会今天闭幕，成交额创新高。"}"""));
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var r = await replaced.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(r.GetProperty("outcome").GetString(), Is.EqualTo("updated"));
        Assert.That(r.GetProperty("sequence").GetInt64(), Is.GreaterThan(sequence));
        Assert.That(await EventuallyAsync("成交额", ids => ids.Contains("tea-fair")), Is.True);
        Assert.That((await SearchAsync("会展中心")).Hits.Select(h => h.Id), Does.Not.Contain("tea-fair"), "the old text is gone");
    }

    [TestCase("""{"id":"other","title":"标题","body":"正文"}""", "id_mismatch")]
    [TestCase("""{"title":"","body":"正文"}""", "invalid_article")]
    [TestCase("""{"title":"标题","body":"正文","publishedAt":"明天"}""", "invalid_article")]
    [TestCase("""{"title":"标题","body":""", "invalid_json")]
    [TestCase("""[{"title":"标题","body":"正文"}]""", "invalid_article")]
    public async Task TestBadPutBodiesAreProblems(string json, string code)
    {
        await AssertProblem(await Keyed.PutAsync("/api/v1/articles/put-bad", Body(json)), HttpStatusCode.BadRequest, code);
        Assert.That((await Client.GetAsync("/api/v1/articles/put-bad")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task TestInvalidArticleSaysWhichField()
    {
        var problem = await AssertProblem(await Keyed.PutAsync("/api/v1/articles/put-bad", Body("""{"title":"标题"}""")), HttpStatusCode.BadRequest, "invalid_article");
        Assert.That(problem.GetProperty("rejected")[0].GetProperty("field").GetString(), Is.EqualTo("body"));
    }

    [Test]
    public async Task TestPutNeedsJsonUtf8AndAValidId()
    {
        await AssertProblem(await Keyed.PutAsync("/api/v1/articles/x", new StringContent("title", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var gbk = new ByteArrayContent([0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xB1, 0xEA, 0x22, 0x7D]);
        gbk.Headers.ContentType = new("application/json");
        await AssertProblem(await Keyed.PutAsync("/api/v1/articles/x", gbk), HttpStatusCode.BadRequest, "invalid_encoding");
        await AssertProblem(await Keyed.PutAsync("/api/v1/articles/" + new string('a', 201), Body("{}")), HttpStatusCode.BadRequest, "invalid_id");
        await AssertProblem(await Keyed.PutAsync("/api/v1/articles/%20x", Body("{}")), HttpStatusCode.BadRequest, "invalid_id");
    }

    [Test]
    public async Task TestPostJsonArrayStoresTheGoodRecordsAndReportsTheBadOnesByLine()
    {
        string json = """
            [
              {"id":"lib-1","title":"图书馆延长开放时间","body":"市图书馆自下周起每晚开放到九点。"},
              {"id":"lib-2","title":"","body":"没有标题的记录"},
              {"id":"lib-3","title":"图书馆新增自助借还机","body":"十台自助借还机投入使用。","publishedAt":"2026-02-03"}
            ]
            """;
        var res = await Keyed.PostAsync("/api/v1/articles", Body(json));
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(body.GetProperty("accepted").GetInt32(), Is.EqualTo(2));
        Assert.That(body.GetProperty("created").GetInt32(), Is.EqualTo(2));
        var rejected = body.GetProperty("rejected").EnumerateArray().Single();
        Assert.That(rejected.GetProperty("line").GetInt32(), Is.EqualTo(3));
        Assert.That(rejected.GetProperty("field").GetString(), Is.EqualTo("title"));
        Assert.That(body.GetProperty("sequence").GetInt64(), Is.GreaterThan(0));
        Assert.That(await EventuallyAsync("图书馆", ids => ids.Contains("lib-1") && ids.Contains("lib-3")), Is.True);
    }

    [Test]
    public async Task TestPostNdjsonStoresEachLine()
    {
        string lines = "{\"id\":\"park-1\",\"title\":\"湿地公园开园\",\"body\":\"湿地公园今天开园迎客。\"}\nnot json\n{\"id\":\"park-2\",\"title\":\"湿地公园增设步道\",\"body\":\"新步道全长五公里。\"}\n";
        var res = await Keyed.PostAsync("/api/v1/articles", Body(lines, "application/x-ndjson"));
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.OK), await res.Content.ReadAsStringAsync());
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(body.GetProperty("accepted").GetInt32(), Is.EqualTo(2));
        Assert.That(body.GetProperty("rejected")[0].GetProperty("line").GetInt32(), Is.EqualTo(2));
        Assert.That(body.GetProperty("articles").EnumerateArray().Select(a => a.GetProperty("id").GetString()), Is.EqualTo(new[] { "park-1", "park-2" }));
        Assert.That(await EventuallyAsync("湿地公园", ids => ids.Contains("park-1") && ids.Contains("park-2")), Is.True);
    }

    [Test]
    public async Task TestPostWithNoGoodRecordIsProblem()
    {
        var problem = await AssertProblem(await Keyed.PostAsync("/api/v1/articles", Body("""[{"title":"只有标题"}]""")), HttpStatusCode.BadRequest, "invalid_articles");
        Assert.That(problem.GetProperty("rejected")[0].GetProperty("field").GetString(), Is.EqualTo("body"));
        await AssertProblem(await Keyed.PostAsync("/api/v1/articles", Body("<xml/>", "application/xml")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Test]
    public async Task TestDeleteTakesTheArticleDownFromStoreAndResults()
    {
        var put = await Keyed.PutAsync("/api/v1/articles/recall", Body("""{"title":"撤稿测试文章","body":"这篇稿件将被撤下。"}"""));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await EventuallyAsync("撤稿测试", ids => ids.Contains("recall")), Is.True);
        var del = await Keyed.DeleteAsync("/api/v1/articles/recall");
        Assert.That(del.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await del.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sequence").GetInt64(), Is.GreaterThan(0));
        Assert.That(await EventuallyAsync("撤稿测试", ids => !ids.Contains("recall")), Is.True, "gone from results");
        await AssertProblem(await Client.GetAsync("/api/v1/articles/recall"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Keyed.DeleteAsync("/api/v1/articles/recall"), HttpStatusCode.NotFound, "not_found");

        // The store keeps a tombstone for the index's change feed, but not the text.
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Factory.DataFolder, "store.db")};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT title || body FROM articles WHERE id = 'recall'";
            Assert.That(cmd.ExecuteScalar(), Is.EqualTo(""));
        }
        var again = await Keyed.PutAsync("/api/v1/articles/recall", Body("""{"title":"撤稿测试文章","body":"这篇稿件将被撤下。"}"""));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created), "a taken-down id comes back as new");
    }
}

/// <summary>Bodies over the configured limits are 413 problems.</summary>
// Engine-independent: runs on the default engine.
public class ArticleBodyLimitTests() : ApiTestBase(EngineNames.Native)
{
    protected override NewsSearchFactory CreateFactory() =>
        new(TestArticles.All) { Settings = { ["MaxBulkBodyBytes"] = "2000", ["MaxArticleBodyBytes"] = "1000" } };

    [Test]
    public async Task TestTooLargeBodiesAreProblem413()
    {
        string big = "{\"title\":\"长文\",\"body\":\"" + new string('长', 1000) + "\"}";
        var put = await AssertProblem(await Keyed.PutAsync("/api/v1/articles/long", new StringContent(big, Encoding.UTF8, "application/json")),
            HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.That(put.GetProperty("limit").GetInt64(), Is.EqualTo(1000));
        var post = await Keyed.PostAsync("/api/v1/articles", new StringContent("[" + big + "]", Encoding.UTF8, "application/json"));
        await AssertProblem(post, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        // Without a Content-Length (chunked), the limit holds while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("[" + big + "]")));
        chunked.Headers.ContentType = new("application/json");
        using var req = new HttpRequestMessage(HttpMethod.Post, "/api/v1/articles") { Content = chunked };
        req.Headers.TransferEncodingChunked = true;
        await AssertProblem(await Keyed.SendAsync(req), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.That((await Client.GetAsync("/api/v1/articles/long")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
