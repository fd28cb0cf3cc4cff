using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NewsSearch.Api.Infrastructure;
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

    /// <summary>The test key most hosts run with (NewsSearch:ApiKey); null for a host without a key.</summary>
    public string? ApiKey { get; init; } = TestKey;

    public const string TestKey = "test-key-0123456789abcdef";

    /// <summary>The caller's address as the host sees it (a real, non-loopback one by default).</summary>
    public IPAddress? RemoteAddress { get; init; } = IPAddress.Parse("203.0.113.7");

    /// <summary>More NewsSearch settings (name without the section, value).</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>When set, the engine opens only after the test completes this.</summary>
    public bool HoldEngineOpen { get; init; }

    /// <summary>Every log message of the host, "Level: category: message".</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public HttpClient CreateKeyedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeys.HeaderName, ApiKey);
        return client;
    }

    /// <summary>Lets the held-back engine open (see <see cref="HoldEngineOpen"/>).</summary>
    public void OpenEngine() => Services.GetRequiredService<EngineOpenGate>().Open.TrySetResult();

    /// <summary>Starts the host and, unless the test holds it back, waits until the engine is open (it opens in the background).</summary>
    protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (!HoldEngineOpen)
        {
            var engine = host.Services.GetRequiredService<EngineHost>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!engine.IsReady && !engine.Failed && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
            if (!engine.IsReady) throw new InvalidOperationException("the test host's engine did not open: " + string.Join("\n", Log));
        }
        return host;
    }

    /// <summary>The index engine the data folder is created with (null: the default).</summary>
    public string? Engine { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("NewsSearch:Data", DataFolder);
        if (ApiKey is not null) builder.UseSetting("NewsSearch:ApiKey", ApiKey);
        if (Engine is not null) builder.UseSetting("NewsSearch:Engine", Engine);
        foreach (var (name, value) in Settings) builder.UseSetting("NewsSearch:" + name, value);
        builder.ConfigureLogging(l => l.AddProvider(new QueueLoggerProvider(Log)));
        builder.ConfigureTestServices(services =>
        {
            if (HoldEngineOpen) services.AddSingleton<EngineOpenGate>();
            services.AddSingleton<IStartupFilter>(new TestPipeline(RemoteAddress));
        });
    }

    /// <summary>
    /// Gives every request the configured remote address (the test server has none), and adds one route past the
    /// application's endpoints that fails the way deep code can (an ArgumentException), to see the 500 path.
    /// </summary>
    private sealed class TestPipeline(IPAddress? remote) : IStartupFilter
    {
        public const string FailingPath = "/test/deep-argument-exception";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, following) =>
            {
                http.Connection.RemoteIpAddress = remote;
                return following(http);
            });
            next(app);
            app.Use((HttpContext http, RequestDelegate following) =>
                http.Request.Path == FailingPath ? throw new ArgumentException("secret internal detail: parameter xyz") : following(http));
        };
    }

    public const string FailingPath = TestPipeline.FailingPath;

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> queue) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(queue, categoryName);
        public void Dispose() { }
    }

    private sealed class QueueLogger(ConcurrentQueue<string> queue, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            queue.Enqueue($"{logLevel}: {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name)}");
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
