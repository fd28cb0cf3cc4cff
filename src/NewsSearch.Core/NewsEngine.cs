using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;
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
}

/// <summary>
/// The composition root over one data folder: the article store (source of truth), the analysis chains,
/// the index derived from the store, and the searcher. The API host and every CLI command open one of these.
/// </summary>
public sealed class NewsEngine : IDisposable
{
    public const string IndexFolderName = "index";

    private NewsEngine(string dataFolder, ArticleStore store, NewsAnalysis analysis, IndexManager index, SynonymSource synonyms)
    {
        DataFolder = dataFolder;
        Store = store;
        Analysis = analysis;
        Index = index;
        Synonyms = synonyms;
        Searcher = new NewsSearcher(analysis, synonyms); // query analyzers + HighlightAnalyzer (all bigrams)
    }

    public string DataFolder { get; }
    public ArticleStore Store { get; }
    public NewsAnalysis Analysis { get; }
    public IndexManager Index { get; }
    public NewsSearcher Searcher { get; }

    /// <summary>{data}/synonyms.txt, read at open and re-read when it changes (see <see cref="SynonymSource"/>).</summary>
    public SynonymSource Synonyms { get; }

    /// <summary>Opens (creating when needed) the store and index under <paramref name="dataFolder"/>.</summary>
    public static NewsEngine Open(string dataFolder, NewsEngineOptions? options = null)
    {
        options ??= new NewsEngineOptions();
        dataFolder = Path.GetFullPath(dataFolder);
        Directory.CreateDirectory(dataFolder);
        var analysis = NewsAnalysis.Load(ResolveAnalysisOptions(dataFolder, options.Analysis));
        var synonyms = SynonymSource.OpenFile(Path.Combine(dataFolder, SynonymSource.FileName));
        var store = new ArticleStore(dataFolder);
        IndexManager? index = null;
        try
        {
            index = IndexManager.Open(Path.Combine(dataFolder, IndexFolderName), store, analysis.IndexAnalyzer,
                analysis.Signature.ToString(), new IndexManagerOptions { CatchUpOnOpen = options.CatchUpOnOpen });
            var engine = new NewsEngine(dataFolder, store, analysis, index, synonyms);
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
        };

    /// <summary>Searches the current snapshot.</summary>
    public SearchResponse Search(SearchRequest request)
    {
        using var lease = Index.AcquireSnapshot();
        return Searcher.Search(lease.Reader, Store, request);
    }

    /// <summary>Articles like one article, over the current snapshot (null: no such article).</summary>
    public RelatedResponse? Related(string id, int count = 10)
    {
        using var lease = Index.AcquireSnapshot();
        return Searcher.Related(lease.Reader, Store, id, count);
    }

    public void Dispose()
    {
        Index.Dispose();
        Store.Dispose();
    }
}
