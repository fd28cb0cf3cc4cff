using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NewsSearch.Core.Store;

namespace NewsSearch.Api.Tests;

/// <summary>
/// A test host over a fresh temporary data folder. Articles put in the store before the host starts
/// are indexed by the engine's catch-up on open, the same path a restart takes in production.
/// </summary>
public sealed class NewsSearchFactory : WebApplicationFactory<Program>
{
    public NewsSearchFactory(params Article[] articles)
    {
        DataFolder = Path.Combine(Path.GetTempPath(), "newssearch-api-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataFolder);
        if (articles.Length > 0)
        {
            using var store = new ArticleStore(DataFolder);
            store.UpsertMany(articles);
        }
    }

    public string DataFolder { get; }

    /// <summary>A host whose store was filled by the ingester from page dumps / JSON, as `newssearch ingest` does.</summary>
    public static NewsSearchFactory FromIngest(string engine, params string[] paths)
    {
        var factory = new NewsSearchFactory { Engine = engine };
        using var store = new ArticleStore(factory.DataFolder);
        var summary = new NewsSearch.Core.Ingest.Ingester(store).Run(paths);
        Assert.That(summary.Errors, Is.Empty);
        return factory;
    }

    /// <summary>The repository's root folder (holding NewsSearch.sln), found from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            string dir = TestContext.CurrentContext.TestDirectory;
            while (!File.Exists(Path.Combine(dir, "NewsSearch.sln")))
                dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("NewsSearch.sln not found above the tests");
            return dir;
        }
    }

    public string? AdminKey { get; init; }

    /// <summary>The index engine the data folder is created with (null: the default).</summary>
    public string? Engine { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("NewsSearch:Data", DataFolder);
        if (AdminKey is not null) builder.UseSetting("NewsSearch:AdminKey", AdminKey);
        if (Engine is not null) builder.UseSetting("NewsSearch:Engine", Engine);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>Articles written for these tests (our own text).</summary>
public static class TestArticles
{
    public static readonly Article BikeRefund = new()
    {
        Id = "bike-refund",
        Title = "市民排队办理公共自行车押金退还",
        Reporters = ["周明"],
        Correspondents = ["李华"],
        PublishedAt = new DateOnly(2026, 1, 8),
        Section = "城事",
        Body = "本月起,公共自行车押金可以在市民中心窗口办理退还。\n工作人员提醒,退卡退费没有时限,市民无需扎堆。",
    };

    public static readonly Article RailTransit = new()
    {
        Id = "rail-transit",
        Title = "轨道交通产业园开工",
        Reporters = ["陈静"],
        PublishedAt = new DateOnly(2026, 1, 9),
        Body = "新的轨道交通产业园今天开工建设,预计两年后投产。园区还将建设自行车道。",
    };

    public static readonly Article Escaping = new()
    {
        Id = "escaping",
        Title = "网页安全讲座",
        Reporters = ["王芳"],
        Body = "讲座演示了 <script>alert(1)</script> 这样的脚本注入,提醒市民注意网页安全。",
    };

    public static Article[] All => [BikeRefund, RailTransit, Escaping];
}
