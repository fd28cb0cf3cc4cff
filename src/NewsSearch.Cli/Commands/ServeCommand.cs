using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using NewsSearch.Api;
using NewsSearch.Core;
using NewsSearch.Core.Store;

namespace NewsSearch.Cli.Commands;

/// <summary>`serve` starts the API host on the data folder; `count` tells how many articles the store holds.</summary>
public static class ServeCommand
{
    public static IEnumerable<Command> Create(CliGlobals globals)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var apiKeyFile = new Option<string?>("--api-key-file")
        {
            Description = "File whose first line is the API key for writes and admin (X-Api-Key); else NEWSSEARCH_API_KEY. Never the key itself on the command line",
        };
        var importFolder = new Option<string?>("--import-folder") { Description = "Import folder: pages and article files dropped here are ingested within seconds (moved to done/ or failed/); POST /api/v1/admin/ingest runs the same pass" };
        var keyedReads = new Option<bool>("--require-key-for-reads") { Description = "Searches and article reads need the API key too" };
        var serve = new Command("serve", "Start the REST API and the newsroom page") { urls, apiKeyFile, importFolder, keyedReads };
        serve.SetAction(async (r, ct) =>
        {
            var args = new List<string> { "--data", globals.DataFolder(r), "--urls", r.GetValue(urls)! };
            if (r.GetValue(globals.Dictionary) is { } dict) args.AddRange(["--dict", Path.GetFullPath(dict)]);
            if (r.GetValue(globals.UserDictionary) is { } user) args.AddRange(["--user-dict", Path.GetFullPath(user)]);
            if (r.GetValue(globals.Engine) is { } engine) args.AddRange(["--engine", engine]);
            if (r.GetValue(globals.Analysis) is { } wordAnalysis) args.AddRange(["--analysis", wordAnalysis]);
            if (r.GetValue(apiKeyFile) is { } keyFile) args.AddRange(["--api-key-file", Path.GetFullPath(keyFile)]);
            if (r.GetValue(importFolder) is { } import)
            {
                if (!Directory.Exists(import)) throw new CliException($"no such import folder: {import}");
                args.AddRange(["--import-folder", Path.GetFullPath(import)]);
            }
            if (r.GetValue(keyedReads)) args.AddRange(["--require-key-for-reads", "true"]);
            // Check the dictionary first (cached: milliseconds) so its error is one line, not a failed host's log.
            AnalysisCommands.LoadAnalysis(globals, r);
            WebApplication app;
            try
            {
                app = NewsSearchApp.Build([.. args]);
                await app.StartAsync(ct);
            }
            catch (Exception e) when (IsSetupError(e) || e is InvalidOperationException)
            {
                throw new CliException($"cannot start the server: {e.Message}");
            }
            Console.WriteLine($"NewsSearch serving {globals.DataFolder(r)} on {string.Join(", ", app.Urls)}");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });

        var count = new Command("count", "Print the number of articles in the store");
        count.SetAction(r =>
        {
            string data = globals.DataFolder(r);
            if (!File.Exists(Path.Combine(data, ArticleStore.FileName))) { Console.WriteLine(0); return 0; }
            using var store = new ArticleStore(data);
            Console.WriteLine(store.Count);
            return 0;
        });
        return [serve, count];
    }

    /// <summary>Opens the engine for a command, turning setup errors (e.g. a missing dictionary) into CLI errors.</summary>
    public static NewsEngine OpenEngine(CliGlobals globals, ParseResult r, bool catchUp = true) =>
        OpenEngineUnlessServed(globals, r, catchUp)
        ?? throw new CliException($"the index in {globals.DataFolder(r)} is held by a running server (newssearch serve); stop it first");

    /// <summary>
    /// Like <see cref="OpenEngine"/>, but null when a running server holds the index's write lock: the server follows
    /// the store's change feed itself, so commands can store and read while it runs.
    /// </summary>
    public static NewsEngine? OpenEngineUnlessServed(CliGlobals globals, ParseResult r, bool catchUp = true)
    {
        try
        {
            return NewsEngine.Open(globals.DataFolder(r), new NewsEngineOptions
            {
                Analysis = new Core.Analysis.AnalysisOptions
                {
                    DictionaryPath = r.GetValue(globals.Dictionary),
                    UserDictionaryPath = r.GetValue(globals.UserDictionary),
                },
                CatchUpOnOpen = catchUp,
                Engine = r.GetValue(globals.Engine),
                WordAnalysis = r.GetValue(globals.Analysis),
            });
        }
        catch (Core.Index.IndexLockedException)
        {
            return null;
        }
        catch (Exception e) when (IsSetupError(e))
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>Errors a user can fix (missing dictionary, unreadable or locked index, file system trouble).</summary>
    public static bool IsSetupError(Exception e) =>
        e is Core.Analysis.AnalysisLoadException or Core.Index.IndexCorruptException or Core.Index.IndexLockedException
            or IOException or UnauthorizedAccessException or InvalidDataException or DataFolderMismatchException or ArgumentException;
}
