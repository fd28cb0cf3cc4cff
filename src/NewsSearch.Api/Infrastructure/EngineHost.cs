using Microsoft.Extensions.Options;
using NewsSearch.Core;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Api.Infrastructure;

/// <summary>Lets a test hold the engine's opening back, to see the host answer while it is not ready.</summary>
internal sealed class EngineOpenGate
{
    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Owns the one <see cref="NewsEngine"/> of the process. The host listens at once; the engine opens in the
/// background (which can take long: a first build or an analysis-change rebuild happens inside the open), and
/// until it is open and caught up <see cref="Engine"/> throws <see cref="IndexUnavailableException"/> (503).
/// Writes through the API nudge an early catch-up, so they are searchable well within the 1 s refresh.
/// </summary>
public sealed class EngineHost : IHostedService, IDisposable
{
    /// <summary>Writes arriving within this window share one catch-up (and one index commit).</summary>
    private static readonly TimeSpan WriteBatchWindow = TimeSpan.FromMilliseconds(50);

    private readonly IOptions<NewsSearchOptions> _options;
    private readonly ILogger<EngineHost> _logger;
    private readonly EngineOpenGate? _gate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _writes = new(0, 1);
    private volatile NewsEngine? _engine;
    private volatile bool _failed;
    private Task? _opening;

    public EngineHost(IOptions<NewsSearchOptions> options, ILogger<EngineHost> logger, IServiceProvider services)
    {
        _options = options;
        _logger = logger;
        _gate = services.GetService<EngineOpenGate>();
    }

    /// <summary>The engine; throws <see cref="IndexUnavailableException"/> until it is open.</summary>
    public NewsEngine Engine => _engine ?? throw new IndexUnavailableException(_failed
        ? "The index could not be opened; the operators have the reason in the server log."
        : "The index is opening (or being rebuilt); retry in a few seconds.");

    public bool IsReady => _engine is not null;

    public bool Failed => _failed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _opening = Task.Run(OpenAsync);
        return Task.CompletedTask;
    }

    private async Task OpenAsync()
    {
        var ct = _stopping.Token;
        try
        {
            if (_gate is not null) await _gate.Open.Task.WaitAsync(ct);
            var o = _options.Value;
            string data = Path.GetFullPath(o.Data);
            _logger.LogInformation("Opening data folder {Data}", data);
            var engine = NewsEngine.Open(data, new NewsEngineOptions
            {
                Analysis = new AnalysisOptions { DictionaryPath = o.Dict, UserDictionaryPath = o.UserDict },
                BackgroundRefresh = true,
                Engine = o.Engine,
                WordAnalysis = o.Analysis,
                SearchCacheEntries = Math.Max(0, o.SearchCacheEntries),
            });
            if (ct.IsCancellationRequested) { engine.Dispose(); return; }
            _engine = engine;
            _logger.LogInformation("Index open: {Docs} documents, store sequence {Seq}",
                engine.Index.GetStats().NumDocs, engine.Store.CurrentSequence);
            await CatchUpAfterWritesAsync(engine, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            // Logged before the flag is set: whoever sees Failed can also read why.
            _logger.LogCritical(e, "The index could not be opened ({Reason}); the API answers 503 index_unavailable", e.Message);
            _failed = true;
        }
    }

    /// <summary>Tells the host the store changed through the API, so the index catches up now rather than at the next poll.</summary>
    public void NotifyStoreChanged()
    {
        try { if (_writes.CurrentCount == 0) _writes.Release(); }
        catch (SemaphoreFullException) { } // already signalled
    }

    private async Task CatchUpAfterWritesAsync(NewsEngine engine, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await _writes.WaitAsync(ct);
            await Task.Delay(WriteBatchWindow, ct);
            try { engine.Index.CatchUp(ct); }
            catch (ObjectDisposedException) { return; }
            catch (Exception e) { _logger.LogError(e, "Catching the index up after API writes failed; the background refresh retries"); }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_opening is not null)
        {
            try { await _opening.WaitAsync(cancellationToken); }
            catch (OperationCanceledException) { }
        }
        Dispose();
    }

    public void Dispose()
    {
        if (!_stopping.IsCancellationRequested) _stopping.Cancel();
        var engine = _engine;
        _engine = null;
        engine?.Dispose();
    }
}
