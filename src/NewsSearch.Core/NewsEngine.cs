using NewsSearch.Core.Analysis;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;

namespace NewsSearch.Core;

/// <summary>How to open a data folder.</summary>
public sealed record NewsEngineOptions
{
    /// <summary>Dictionary paths; a null user dictionary means {data}/userdict.txt when that file exists.</summary>
    public AnalysisOptions Analysis { get; init; } = new();

    /// <summary>Keep the index caught up with the store in the background (the API host does; the CLI doesn't).</summary>
    public bool BackgroundRefresh { get; init; }

    /// <summary>Catch the index up with the store while opening (so a crash never loses an accepted article).</summary>
    public bool CatchUpOnOpen { get; init; } = true;

    /// <summary>Index engine (<see cref="EngineNames"/>): chosen when the folder is created; null = as recorded in
    /// {data}/datafolder.json (native for a new folder). Another engine than the recorded one is refused.</summary>
    public string? Engine { get; init; }

    /// <summary>Word analysis (<see cref="WordAnalysisNames"/>), with the same rules as <see cref="Engine"/>.</summary>
    public string? WordAnalysis { get; init; }

    /// <summary>Whole responses kept per index snapshot (<see cref="SearchResultCache"/>); 0 turns the cache off.</summary>
    public int SearchCacheEntries { get; init; }
}

/// <summary>
/// The composition root over one data folder: the article store (source of truth), the analysis chains,
/// the index derived from the store, and the searcher. The API host and every CLI command open one of these.
/// </summary>
public sealed class NewsEngine : IDisposable
{
    public const string IndexFolderName = "index";

    private NewsEngine(string dataFolder, DataFolderInfo info, ArticleStore store, NewsAnalysis analysis, IndexManager index,
        SynonymSource synonyms)
    {
        DataFolder = dataFolder;
        Info = info;
        Store = store;
        Analysis = analysis;
        Index = index;
        Synonyms = synonyms;
        Searcher = new NewsSearcher(analysis, synonyms); // query analyzers + HighlightAnalyzer (all bigrams)
    }

    public string DataFolder { get; }

    /// <summary>The engine and analysis the folder was created with.</summary>
    public DataFolderInfo Info { get; }
    public ArticleStore Store { get; }
    public NewsAnalysis Analysis { get; }
    public IndexManager Index { get; }
    public NewsSearcher Searcher { get; }

    /// <summary>{data}/synonyms.txt, read at open and re-read when it changes (see <see cref="SynonymSource"/>).</summary>
    public SynonymSource Synonyms { get; }

    /// <summary>Opens (creating when needed) the store and index under <paramref name="dataFolder"/>. Throws
    /// <see cref="DataFolderMismatchException"/> when the options ask for another engine or analysis than the
    /// folder records, and <see cref="ArgumentException"/> for an engine this process has not registered.</summary>
    public static NewsEngine Open(string dataFolder, NewsEngineOptions? options = null)
    {
        options ??= new NewsEngineOptions();
        dataFolder = Path.GetFullPath(dataFolder);
        Directory.CreateDirectory(dataFolder);
        var info = DataFolderInfo.Resolve(dataFolder, options.Engine, options.WordAnalysis);
        var indexEngine = EngineCatalog.Get(info.Engine);
        var analysis = NewsAnalysis.Load(ResolveAnalysisOptions(dataFolder, options.Analysis) with { WordAnalysis = info.Analysis });
        var synonyms = SynonymSource.OpenFile(Path.Combine(dataFolder, SynonymSource.FileName));
        var store = new ArticleStore(dataFolder);
        IndexManager? index = null;
        try
        {
            index = IndexManager.Open(Path.Combine(dataFolder, IndexFolderName), store, indexEngine, analysis.IndexAnalyzer,
                analysis.Signature.ToString(), new IndexManagerOptions { CatchUpOnOpen = options.CatchUpOnOpen });
            if (DataFolderInfo.Read(dataFolder) is null) info.Write(dataFolder);
            var engine = new NewsEngine(dataFolder, info, store, analysis, index, synonyms)
            {
                Cache = options.SearchCacheEntries > 0 ? new SearchResultCache(options.SearchCacheEntries) : null,
            };
            if (options.BackgroundRefresh) index.StartBackgroundRefresh();
            return engine;
        }
        catch
        {
            index?.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>Fills defaults: the analysis cache and the user dictionary live in the data folder.</summary>
    public static AnalysisOptions ResolveAnalysisOptions(string dataFolder, AnalysisOptions options) =>
        AnalysisOptions.ForDataFolder(dataFolder, options.DictionaryPath, options.UserDictionaryPath) with
        {
            CacheDirectory = options.CacheDirectory ?? dataFolder,
            HmmFolder = options.HmmFolder,
            WordAnalysis = options.WordAnalysis,
        };

    /// <summary>Responses of the current snapshot, or null when the cache is off.</summary>
    public SearchResultCache? Cache { get; private init; }

    /// <summary>Searches the current snapshot (through the response cache when it is on).</summary>
    public SearchResponse Search(SearchRequest request)
    {
        using var lease = Index.AcquireSnapshot();
        if (Cache is null) return Searcher.Search(lease.Snapshot, Store, request);
        // Validation first: a bad request is refused the same way whether or not a good one was cached.
        NewsSearcher.Validate(request);
        return Cache.GetOrSearch(lease.Snapshot, Synonyms.Current, request, DateOnly.FromDateTime(DateTime.UtcNow),
            () => Searcher.Search(lease.Snapshot, Store, request));
    }

    /// <summary>Articles like one article, over the current snapshot (null: no such article).</summary>
    public RelatedResponse? Related(string id, int count = 10)
    {
        using var lease = Index.AcquireSnapshot();
        return Searcher.Related(lease.Snapshot, Store, id, count);
    }

    public void Dispose()
    {
        Index.Dispose();
        Store.Dispose();
    }
}
