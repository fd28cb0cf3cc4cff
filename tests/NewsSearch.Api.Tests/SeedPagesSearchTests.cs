using System.Net.Http.Json;
using System.Text.Json;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Tests;

/// <summary>
/// The walking skeleton's acceptance path: the bundled samples plus the two real seed pages ingested,
/// then searched through the HTTP API.
/// </summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class SeedPagesSearchTests(string engineName) : ApiTestBase(engineName)
{
    protected override NewsSearchFactory CreateFactory()
    {
        string root = NewsSearchFactory.RepositoryRoot;
        return NewsSearchFactory.FromIngest(EngineName,
            Path.Combine(root, "index-data", "samples"),
            Path.Combine(root, "..", "shared", "seeds"));
    }

    [Test]
    public async Task TestPublicBikeDepositRefundArticleComesFirst()
    {
        var r = await SearchAsync("公共自行车");
        Assert.That(r.Hits, Is.Not.Empty);
        var first = r.Hits[0];
        Assert.That(first.Title, Does.StartWith("市民争相办理公共自行车押金退费"));
        Assert.That(first.Authors, Does.Contain("廖明"));
        Assert.That(first.Highlights.Body, Has.Some.Contains("<mark>公共自行车</mark>"));
    }

    [TestCase("李逸峰", "田心轨道交通产业社区建设启动")]
    [TestCase("\"产城融合样本\"", "田心轨道交通产业社区建设启动")]
    [TestCase("健宁", "市民争相办理公共自行车押金退费")]
    [TestCase("航电枢纽 投产", "株洲航电枢纽扩机工程")]
    // Phrases the page dump splits across a column jump (the parser joins them; see PageParserSeedTests).
    [TestCase("\"绿色高效回收\"", "湖南工业绿色低碳技术目录发布")]
    [TestCase("\"碳达峰中和息息相关\"", "湖南工业绿色低碳技术目录发布")]
    [TestCase("\"每月可以赚2000多元\"", "民生补短提质攻坚成绩单发布")]
    [TestCase("\"汇总了大学生创业导师团资源\"", "湖南省创业公共服务平台上线")]
    [TestCase("\"民生可感行动\"", "市人社局获评")]
    public async Task TestSeedArticlesAreFound(string query, string titleStart)
    {
        var r = await SearchAsync(query);
        Assert.That(r.Hits.Select(h => h.Title), Has.Some.StartsWith(titleStart));
    }

    [Test]
    public async Task TestArticleOfAHitIsServedWithItsSource()
    {
        var hit = (await SearchAsync("公共自行车")).Hits[0];
        var a = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{hit.Id}");
        Assert.That(a.GetProperty("source").GetProperty("file").GetString(), Is.EqualTo("003_ba8a08ef17e448b8.txt"));
        Assert.That(a.GetProperty("body").GetString(), Does.Contain("退卡退费"));
    }
}
