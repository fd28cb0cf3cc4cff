using System.ComponentModel;
using System.Diagnostics;

namespace NewsSearch.Api.Infrastructure;

public enum JobState { Queued, Running, Succeeded, Failed, Canceled }

/// <summary>What an ingest job stored, as `newssearch ingest` reports it.</summary>
public sealed record IngestJobResult(int Files, int New, int Updated, int Unchanged, int Rejected,
    [property: Description("The first 100 rejected records, as file:line: field: reason")] IReadOnlyList<string> Rejects,
    [property: Description("Files that could not be read at all")] IReadOnlyList<string> Errors);

/// <summary>A background job as GET /api/v1/admin/jobs/{id} shows it.</summary>
public sealed record JobView(
    string Id,
    [property: Description("reindex or ingest")] string Kind,
    JobState State,
    [property: Description("Units done so far (documents for a reindex, bytes for an ingest)")] long Done,
    [property: Description("Units in all, when known")] long? Total,
    [property: Description("documents or files")] string Unit,
    [property: Description("Units per second since the job started")] double? Rate,
    [property: Description("Seconds left at the current rate, when the total is known")] double? EtaSeconds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    [property: Description("Why a failed job failed")] string? Error,
    IngestJobResult? Ingest,
    [property: Description("This job's URL")] string Href);

/// <summary>One background job: its state, progress and cancellation. Updated by its worker, read by requests.</summary>
public sealed class Job(string id, string kind, string unit)
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = new();
    private long _done, _total = -1;

    public string Id { get; } = id;
    public string Kind { get; } = kind;
    public string Unit { get; } = unit;
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public JobState State { get; private set; } = JobState.Queued;
    public string? Error { get; private set; }
    public IngestJobResult? Ingest { get; set; }
    internal CancellationTokenSource Cancellation { get; } = new();
    public string Href => $"/api/v1/admin/jobs/{Id}";
    public bool HasEnded => State is JobState.Succeeded or JobState.Failed or JobState.Canceled;

    public void Report(long done, long total)
    {
        Interlocked.Exchange(ref _done, done);
        Interlocked.Exchange(ref _total, total);
    }

    internal void Start()
    {
        lock (_gate) { State = JobState.Running; StartedAt = DateTimeOffset.UtcNow; _clock.Start(); }
    }

    internal void End(JobState state, string? error = null)
    {
        lock (_gate) { State = state; Error = error; EndedAt = DateTimeOffset.UtcNow; _clock.Stop(); }
    }

    public JobView View()
    {
        lock (_gate)
        {
            long done = Interlocked.Read(ref _done), total = Interlocked.Read(ref _total);
            double seconds = _clock.Elapsed.TotalSeconds;
            double? rate = StartedAt is null || seconds <= 0 ? null : Math.Round(done / seconds, 1);
            double? eta = State == JobState.Running && total >= 0 && rate > 0 ? Math.Round(Math.Max(0, total - done) / rate.Value, 1) : null;
            return new JobView(Id, Kind, State, done, total < 0 ? null : total, Unit, rate, eta, CreatedAt, StartedAt, EndedAt,
                Error, Ingest, Href);
        }
    }
}

/// <summary>
/// The host's background jobs (reindex, ingest): at most one running per kind, each on its own thread with a
/// cancellation token; the last <see cref="Kept"/> stay as records after they end.
/// </summary>
public sealed class JobRegistry(ILogger<JobRegistry> logger) : IDisposable
{
    public const int Kept = 100;

    private readonly object _gate = new();
    private readonly LinkedList<Job> _jobs = new(); // newest first

    /// <summary>Starts <paramref name="work"/> as a job of <paramref name="kind"/>; false (with the running one) when one is running.</summary>
    public bool TryStart(string kind, string unit, Action<Job, CancellationToken> work, out Job job)
    {
        lock (_gate)
        {
            var running = _jobs.FirstOrDefault(j => j.Kind == kind && !j.HasEnded);
            if (running is not null) { job = running; return false; }
            job = new Job(Guid.NewGuid().ToString("N")[..12], kind, unit);
            _jobs.AddFirst(job);
            // Drop the oldest ended jobs beyond the kept number (running ones are never dropped).
            for (var node = _jobs.Last; _jobs.Count > Kept && node is not null;)
            {
                var previous = node.Previous;
                if (node.Value.HasEnded) _jobs.Remove(node);
                node = previous;
            }
        }
        var started = job;
        _ = Task.Factory.StartNew(() => Run(started, work), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return true;
    }

    private void Run(Job job, Action<Job, CancellationToken> work)
    {
        var ct = job.Cancellation.Token;
        if (ct.IsCancellationRequested) { job.End(JobState.Canceled); return; }
        job.Start();
        logger.LogInformation("Job {Id} ({Kind}) started", job.Id, job.Kind);
        try
        {
            work(job, ct);
            job.End(JobState.Succeeded);
            logger.LogInformation("Job {Id} ({Kind}) succeeded", job.Id, job.Kind);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            job.End(JobState.Canceled);
            logger.LogInformation("Job {Id} ({Kind}) canceled", job.Id, job.Kind);
        }
        catch (Exception e)
        {
            // The job's record carries the message (it is for the operators who started it); the log has the stack.
            job.End(JobState.Failed, e.Message);
            logger.LogError(e, "Job {Id} ({Kind}) failed", job.Id, job.Kind);
        }
    }

    public Job? Get(string id)
    {
        lock (_gate) return _jobs.FirstOrDefault(j => j.Id == id);
    }

    public IReadOnlyList<Job> List()
    {
        lock (_gate) return [.. _jobs];
    }

    /// <summary>Asks a queued or running job to stop; false when it has already ended.</summary>
    public bool Cancel(Job job)
    {
        if (job.HasEnded) return false;
        job.Cancellation.Cancel();
        return true;
    }

    public void Dispose()
    {
        lock (_gate) foreach (var j in _jobs) if (!j.HasEnded) j.Cancellation.Cancel();
    }
}
