using Microsoft.Extensions.Options;
using NewsSearch.Core;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Api.Infrastructure;

/// <summary>
/// Owns the one <see cref="NewsEngine"/> of the process: opened when the host starts (so a missing dictionary
/// stops startup with its message), caught up with the store, refreshed in the background, disposed at stop.
/// </summary>
public sealed class EngineHost(IOptions<NewsSearchOptions> options, ILogger<EngineHost> logger) : IHostedService, IDisposable
{
    private NewsEngine? _engine;
    private int _reindexRunning;

    /// <summary>The engine; throws until the host has started.</summary>
    public NewsEngine Engine => _engine ?? throw new InvalidOperationException("The search engine is not open yet.");

    public bool IsReady => _engine is not null;

    public bool IsReindexing => Volatile.Read(ref _reindexRunning) != 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        string data = Path.GetFullPath(o.Data);
        logger.LogInformation("Opening data folder {Data}", data);
        _engine = NewsEngine.Open(data, new NewsEngineOptions
        {
            Analysis = new AnalysisOptions { DictionaryPath = o.Dict, UserDictionaryPath = o.UserDict },
            BackgroundRefresh = true,
            Engine = o.Engine,
            WordAnalysis = o.Analysis,
        });
        logger.LogInformation("Index open: {Docs} documents, store sequence {Seq}",
            _engine.Index.GetStats().NumDocs, _engine.Store.CurrentSequence);
        return Task.CompletedTask;
    }

    /// <summary>Starts a full reindex in the background; false when one is already running.</summary>
    public bool TryStartReindex()
    {
        if (Interlocked.CompareExchange(ref _reindexRunning, 1, 0) != 0) return false;
        var engine = Engine;
        _ = Task.Run(() =>
        {
            try
            {
                engine.Index.Reindex();
                logger.LogInformation("Reindex finished");
            }
            catch (Exception e)
            {
                logger.LogError(e, "Reindex failed; the previous index version stays in service");
            }
            finally
            {
                Volatile.Write(ref _reindexRunning, 0);
            }
        });
        return true;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _engine, null)?.Dispose();
    }
}
