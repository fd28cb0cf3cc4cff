using Microsoft.Extensions.Options;
using NewsSearch.Core.Ingest;

namespace NewsSearch.Api.Infrastructure;

/// <summary>
/// Watches <see cref="NewsSearchOptions.ImportFolder"/> when it is set: a FileSystemWatcher wakes it, a scan every
/// few seconds covers events the watcher misses (network shares, overflows), and <see cref="ImportFolder"/> takes
/// only files that have not changed for a second, so half-written files wait. Stored pages reach the index through
/// the engine's background refresh (the store's change feed), so they are searchable within seconds.
/// </summary>
public sealed class ImportFolderWatcher(IOptions<NewsSearchOptions> options, EngineHost host, ILogger<ImportFolderWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Scan = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    /// <summary>The import folder in use (null when none is configured or the host has not started).</summary>
    public ImportFolder? Folder { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (string.IsNullOrWhiteSpace(options.Value.ImportFolder) || !options.Value.WatchImportFolder) return;
        Directory.CreateDirectory(options.Value.ImportFolder); // there to drop files into at once
        // The engine opens in the background; the store is there once it is.
        while (!host.IsReady)
        {
            if (host.Failed) return;
            try { await Task.Delay(TimeSpan.FromMilliseconds(200), stop); }
            catch (OperationCanceledException) { return; }
        }
        var folder = new ImportFolder(options.Value.ImportFolder, host.Engine.Store);
        Folder = folder;
        using var watcher = new FileSystemWatcher(folder.Folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        FileSystemEventHandler poke = (_, _) => _wake.Release();
        watcher.Created += poke;
        watcher.Changed += poke;
        watcher.Renamed += (_, _) => _wake.Release();
        watcher.Error += (_, e) => logger.LogWarning(e.GetException(), "Import folder watcher error; the periodic scan goes on");
        watcher.EnableRaisingEvents = true;
        logger.LogInformation("Watching import folder {Folder}", folder.Folder);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var summary = await Task.Run(() => folder.ImportPending(cancel: stop), stop);
                if (summary.Files > 0 || summary.Errors.Count > 0)
                    logger.LogInformation("Import folder: {Files} files, {New} new, {Updated} updated, {Unchanged} unchanged; {Errors} problems {Problems}",
                        summary.Files, summary.New, summary.Updated, summary.Unchanged, summary.Errors.Count, string.Join("; ", summary.Errors.Take(5)));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                logger.LogError(e, "Import folder pass failed; trying again at the next scan");
            }
            // Files not settled yet: look again once they may have; else wait for an event or the next scan.
            var wait = folder.Unsettled > 0 ? folder.SettleTime : Scan;
            try
            {
                if (await _wake.WaitAsync(wait, stop))
                {
                    // Debounce: let a burst of events (a file being written, a tree being copied) end first.
                    await Task.Delay(TimeSpan.FromMilliseconds(300), stop);
                    while (_wake.CurrentCount > 0) _wake.Wait(0, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) { break; }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }
}
