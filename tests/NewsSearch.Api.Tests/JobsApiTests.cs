using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NewsSearch.Api.Endpoints;
using NewsSearch.Api.Infrastructure;

namespace NewsSearch.Api.Tests;

/// <summary>Reindex and ingest jobs: 202 + Location, state and progress, cancel, one at a time, records kept.</summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class JobsApiTests(string engineName) : ApiTestBase(engineName)
{
    private string _importFolder = null!;

    protected override NewsSearchFactory CreateFactory()
    {
        _importFolder = Path.Combine(Path.GetTempPath(), "newssearch-import-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_importFolder);
        File.Copy(Path.Combine(NewsSearchFactory.RepositoryRoot, "index-data", "samples", "002_yunxi_shequ.txt"), Path.Combine(_importFolder, "002_yunxi_shequ.txt"));
        File.WriteAllText(Path.Combine(_importFolder, "wire.jsonl"),
            "{\"id\":\"wire-1\",\"title\":\"城际铁路试运行\",\"body\":\"城际铁路今天开始试运行。\"}\n{\"id\":\"wire-2\",\"title\":\"\",\"body\":\"缺标题\"}\n");
        return new NewsSearchFactory(TestArticles.All) { Engine = EngineName, Settings = { ["ImportFolder"] = _importFolder, ["WatchImportFolder"] = "false" } };
    }

    [OneTimeTearDown]
    public void RemoveImportFolder() => Directory.Delete(_importFolder, recursive: true);

    private async Task<JsonElement> WaitForEnd(Uri location)
    {
        for (int i = 0; i < 400; i++)
        {
            var job = await Keyed.GetFromJsonAsync<JsonElement>(location);
            if (job.GetProperty("state").GetString() is "succeeded" or "failed" or "canceled") return job;
            await Task.Delay(50);
        }
        Assert.Fail($"job {location} did not end in 20 s");
        return default;
    }

    [Test]
    public async Task TestReindexJobRunsToSuccessWithProgressAndKeepsServing()
    {
        var res = await Keyed.PostAsync("/api/v1/admin/reindex", null);
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await res.Content.ReadAsStringAsync());
        var location = res.Headers.Location!;
        Assert.That(location.ToString(), Does.StartWith("/api/v1/admin/jobs/"));
        Assert.That((await SearchAsync("公共自行车")).TotalHits, Is.EqualTo(1));
        var job = await WaitForEnd(location);
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("succeeded"));
        Assert.That(job.GetProperty("kind").GetString(), Is.EqualTo("reindex"));
        Assert.That(job.GetProperty("done").GetInt64(), Is.EqualTo(job.GetProperty("total").GetInt64()));
        Assert.That(job.GetProperty("total").GetInt64(), Is.GreaterThanOrEqualTo(3));
        Assert.That(job.GetProperty("endedAt").GetDateTimeOffset(), Is.GreaterThanOrEqualTo(job.GetProperty("startedAt").GetDateTimeOffset()));
        Assert.That((await SearchAsync("公共自行车")).TotalHits, Is.EqualTo(1));
        var list = await Keyed.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs");
        Assert.That(list.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("href").GetString()), Does.Contain(location.ToString()));
    }

    [Test]
    public async Task TestSecondReindexWhileOneRunsIs409WithALinkAndCancelEndsIt()
    {
        var registry = Factory.Services.GetRequiredService<JobRegistry>();
        using var release = new ManualResetEventSlim();
        // A reindex-kind job that runs until canceled stands in for a long rebuild.
        Assert.That(registry.TryStart(AdminApi.ReindexKind, "documents", (job, ct) =>
        {
            job.Report(5, 10);
            release.Wait(ct);
        }, out var running), Is.True);

        Assert.That(SpinWait.SpinUntil(() => running.View() is { State: JobState.Running, Done: 5 }, 5000), Is.True);
        var second = await Keyed.PostAsync("/api/v1/admin/reindex", null);
        var problem = await AssertProblem(second, HttpStatusCode.Conflict, "reindex_already_running");
        Assert.That(problem.GetProperty("job").GetString(), Is.EqualTo(running.Href));

        var view = await Keyed.GetFromJsonAsync<JsonElement>(running.Href);
        Assert.That(view.GetProperty("state").GetString(), Is.EqualTo("running"));
        Assert.That(view.GetProperty("done").GetInt64(), Is.EqualTo(5));
        Assert.That(view.GetProperty("total").GetInt64(), Is.EqualTo(10));

        var cancel = await Keyed.DeleteAsync(running.Href);
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var ended = await WaitForEnd(new Uri(running.Href, UriKind.Relative));
        Assert.That(ended.GetProperty("state").GetString(), Is.EqualTo("canceled"));
        await AssertProblem(await Keyed.DeleteAsync(running.Href), HttpStatusCode.Conflict, "job_not_running");
    }

    [Test]
    public async Task TestFailedJobShowsItsError()
    {
        var registry = Factory.Services.GetRequiredService<JobRegistry>();
        registry.TryStart("test-failure", "documents", (_, _) => throw new InvalidDataException("store file is damaged"), out var job);
        var ended = await WaitForEnd(new Uri(job.Href, UriKind.Relative));
        Assert.That(ended.GetProperty("state").GetString(), Is.EqualTo("failed"));
        Assert.That(ended.GetProperty("error").GetString(), Does.Contain("store file is damaged"));
    }

    [Test]
    public async Task TestReindexCanceledInItsLoopLeavesTheLiveIndexServing()
    {
        var engine = Factory.Services.GetRequiredService<EngineHost>().Engine;
        string before = engine.Index.CurrentVersionFolder;
        Assert.Throws<OperationCanceledException>(() => engine.Index.Reindex(null, cancel: new CancellationToken(canceled: true)));
        Assert.That(engine.Index.CurrentVersionFolder, Is.EqualTo(before));
        Assert.That((await SearchAsync("公共自行车")).TotalHits, Is.EqualTo(1));
    }

    [Test]
    public async Task TestIngestJobReadsTheImportFolder()
    {
        var res = await Keyed.PostAsync("/api/v1/admin/ingest", null);
        Assert.That(res.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await res.Content.ReadAsStringAsync());
        var job = await WaitForEnd(res.Headers.Location!);
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("succeeded"), job.ToString());
        var ingest = job.GetProperty("ingest");
        Assert.That(ingest.GetProperty("files").GetInt32(), Is.EqualTo(2));
        Assert.That(ingest.GetProperty("new").GetInt32(), Is.GreaterThan(1));
        Assert.That(ingest.GetProperty("rejected").GetInt32(), Is.EqualTo(1));
        Assert.That(ingest.GetProperty("rejects")[0].GetString(), Does.Contain("wire.jsonl:2"));
        Assert.That(job.GetProperty("unit").GetString(), Is.EqualTo("files"));
        Assert.That(await EventuallyAsync("城际铁路", ids => ids.Contains("wire-1")), Is.True);
    }

    [Test]
    public async Task TestUnknownJobIs404()
    {
        await AssertProblem(await Keyed.GetAsync("/api/v1/admin/jobs/nope"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await Keyed.DeleteAsync("/api/v1/admin/jobs/nope"), HttpStatusCode.NotFound, "not_found");
    }

    [Test]
    public async Task TestStatsShowTheIndex()
    {
        var stats = await Keyed.GetFromJsonAsync<JsonElement>("/api/v1/admin/stats");
        Assert.That(stats.GetProperty("numDocs").GetInt64(), Is.GreaterThanOrEqualTo(3));
    }
}

public class JobRegistryTests
{
    [Test]
    public void TestOnlyTheLast100EndedJobsAreKept()
    {
        using var registry = new JobRegistry(Microsoft.Extensions.Logging.Abstractions.NullLogger<JobRegistry>.Instance);
        var first = new List<Job>();
        for (int i = 0; i < 130; i++)
        {
            registry.TryStart("k" + i, "documents", (_, _) => { }, out var job);
            first.Add(job);
            SpinWait.SpinUntil(() => job.HasEnded, 5000);
        }
        Assert.That(registry.List(), Has.Count.EqualTo(JobRegistry.Kept));
        Assert.That(registry.Get(first[0].Id), Is.Null);
        Assert.That(registry.Get(first[^1].Id), Is.Not.Null);
        Assert.That(registry.List()[0].Id, Is.EqualTo(first[^1].Id), "newest first");
    }
}

// Engine-independent: runs on the default engine.
public class IngestWithoutImportFolderTests() : ApiTestBase(EngineNames.Native)
{
    [Test]
    public async Task TestIngestWithoutImportFolderIs409()
    {
        await AssertProblem(await Keyed.PostAsync("/api/v1/admin/ingest", null), HttpStatusCode.Conflict, "import_folder_not_configured");
    }
}
