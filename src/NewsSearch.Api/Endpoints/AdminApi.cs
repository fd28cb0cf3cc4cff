using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NewsSearch.Api.Infrastructure;
using NewsSearch.Core;
using NewsSearch.Core.Index;
using NewsSearch.Core.Ingest;

namespace NewsSearch.Api.Endpoints;

/// <summary>The jobs GET /api/v1/admin/jobs lists, newest first.</summary>
public sealed record JobList(IReadOnlyList<JobView> Jobs);

public static class AdminApi
{
    public const string ReindexKind = "reindex";
    public const string IngestKind = "ingest";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/v1/admin").WithTags("Admin").RequireApiKey().WithCommonProblems()
            .ProducesApiProblem(StatusCodes.Status503ServiceUnavailable);
        admin.MapPost("/reindex", StartReindex)
            .WithName("StartReindex")
            .WithSummary("Start rebuilding the index from the article store")
            .WithDescription("Starts a background job that builds a new index version from every stored article and switches to it "
                + "atomically; searches use the old version until the switch. Answers 202 with the job's URL in Location; "
                + "while a reindex runs, another is refused with 409 reindex_already_running and a link to the running job.")
            .ProducesApiProblem(StatusCodes.Status409Conflict)
            .WithResponseExample(202, Examples.Job(ReindexKind, "documents"));
        admin.MapPost("/ingest", StartIngest)
            .WithName("StartIngest")
            .WithSummary("Start ingesting the import folder's page dumps and JSON files")
            .WithDescription("Starts a background job that reads every page dump (*.txt) and article file (*.json, *.jsonl, *.ndjson) "
                + "in the server's configured import folder (NewsSearch:ImportFolder or `serve --import-folder`) into the store, "
                + "as `newssearch ingest` does; the index follows within a second. The request names no path. "
                + "409 import_folder_not_configured when the server has no import folder, 409 ingest_already_running while one runs.")
            .ProducesApiProblem(StatusCodes.Status409Conflict)
            .WithResponseExample(202, Examples.Job(IngestKind, "files"));
        admin.MapGet("/jobs", ListJobs)
            .WithName("ListJobs")
            .WithSummary("The background jobs, newest first")
            .WithDescription("Running and queued jobs, and the last 100 that ended, with state, progress, rate, ETA and error.")
            .WithResponseExample(200, new JobList([Examples.Job(ReindexKind, "documents")]));
        admin.MapGet("/jobs/{id}", GetJob)
            .WithName("GetJob")
            .WithSummary("One background job: state, progress (done/total, rate, ETA) and error")
            .WithDescription("States: queued, running, succeeded, failed (error says why), canceled. Done and total count "
                + "documents for a reindex and bytes for an ingest; an ingest that ended also carries its counts and rejects.")
            .ProducesApiProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(200, Examples.Job(ReindexKind, "documents"));
        admin.MapDelete("/jobs/{id}", CancelJob)
            .WithName("CancelJob")
            .WithSummary("Cancel a queued or running job")
            .WithDescription("Asks the job to stop; it ends as canceled shortly after (a canceled reindex leaves the live index as it was; "
                + "a canceled ingest keeps what it had stored). 409 job_not_running for a job that already ended.")
            .ProducesApiProblem(StatusCodes.Status404NotFound)
            .ProducesApiProblem(StatusCodes.Status409Conflict)
            .WithResponseExample(202, Examples.Job(ReindexKind, "documents"));
        admin.MapGet("/stats", GetStats)
            .WithName("GetIndexStats")
            .WithSummary("Index segments, documents, deletions, terms and bytes per file kind")
            .WithDescription("What `newssearch stats` prints, for the live index version.")
            .WithResponseExample(200, Examples.Stats);
        return routes;
    }

    internal static Results<Accepted<JobView>, ProblemHttpResult> StartReindex(EngineHost host, JobRegistry jobs)
    {
        var engine = host.Engine;
        if (!jobs.TryStart(ReindexKind, "documents", (job, ct) =>
                engine.Index.Reindex(new SyncProgress<ReindexProgress>(p => job.Report(p.Done, p.Total)), cancel: ct), out var started))
            return AlreadyRunning(ProblemCodes.ReindexAlreadyRunning, "Reindex already running", started);
        return TypedResults.Accepted(started.Href, started.View());
    }

    internal static Results<Accepted<JobView>, ProblemHttpResult> StartIngest(EngineHost host, JobRegistry jobs, IOptions<NewsSearchOptions> options)
    {
        string? folder = options.Value.ImportFolder;
        if (string.IsNullOrWhiteSpace(folder))
            return Problems.Conflict(ProblemCodes.ImportFolderNotConfigured, "No import folder",
                "The server has no import folder; start it with --import-folder <folder> (or set NewsSearch:ImportFolder).");
        var engine = host.Engine;
        if (!jobs.TryStart(IngestKind, "files", (job, ct) =>
            {
                var summary = IngestImportFolder(engine, Path.GetFullPath(folder), job, ct);
                job.Ingest = new IngestJobResult(summary.Files, summary.New, summary.Updated, summary.Unchanged, summary.Rejected.Count,
                    [.. summary.Rejected.Take(100).Select(r => r.ToString())], summary.Errors);
                host.NotifyStoreChanged();
            }, out var started))
            return AlreadyRunning(ProblemCodes.IngestAlreadyRunning, "Ingest already running", started);
        return TypedResults.Accepted(started.Href, started.View());
    }

    /// <summary>The ingest a job runs: the same pass as the import folder's watcher (files into the store, then moved to
    /// done/ or failed/; the index follows the store), taking every file now, since an admin asked for it.</summary>
    internal static IngestSummary IngestImportFolder(NewsEngine engine, string folder, Job job, CancellationToken ct) =>
        new ImportFolder(folder, engine.Store) { SettleTime = TimeSpan.Zero }
            .ImportPending(new SyncProgress<IngestProgress>(p => job.Report(p.FilesDone, p.FilesTotal)), ct);

    private static ProblemHttpResult AlreadyRunning(string code, string title, Job running) =>
        Problems.Conflict(code, title, $"Job {running.Id} is still {running.State.ToString().ToLowerInvariant()}; follow it at {running.Href}.",
            new() { ["job"] = running.Href });

    internal static Ok<JobList> ListJobs(JobRegistry jobs) => TypedResults.Ok(new JobList([.. jobs.List().Select(j => j.View())]));

    internal static Results<Ok<JobView>, ProblemHttpResult> GetJob([Description("Job id, from the Location of the POST that started it")] string id, JobRegistry jobs) =>
        jobs.Get(id) is { } job ? TypedResults.Ok(job.View()) : Problems.NotFound("Job not found", $"No job has the id '{id}' (only the last {JobRegistry.Kept} ended jobs are kept).");

    internal static Results<Accepted<JobView>, ProblemHttpResult> CancelJob([Description("Job id")] string id, JobRegistry jobs)
    {
        if (jobs.Get(id) is not { } job)
            return Problems.NotFound("Job not found", $"No job has the id '{id}'.");
        return jobs.Cancel(job)
            ? TypedResults.Accepted(job.Href, job.View())
            : Problems.Conflict(ProblemCodes.JobNotRunning, "Job not running", $"Job {id} has already ended ({job.State.ToString().ToLowerInvariant()}).");
    }

    internal static Ok<IndexStats> GetStats(EngineHost host) => TypedResults.Ok(host.Engine.Index.GetStats());

    /// <summary>Reports on the worker's thread (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
