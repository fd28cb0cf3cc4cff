namespace NewsSearch.Api.Infrastructure;

/// <summary>
/// Host settings: `--data`, `--dict`, `--user-dict`, `--api-key-file`, `--import-folder` on the command line, or the
/// NewsSearch configuration section. The API key itself never comes from the command line (see <see cref="ApiKeys"/>).
/// </summary>
public sealed class NewsSearchOptions
{
    public string Data { get; set; } = "index-data";
    public string? Dict { get; set; }
    public string? UserDict { get; set; }

    /// <summary>Index engine for a new data folder (native, lucene); an existing folder must match its record.</summary>
    public string? Engine { get; set; }

    /// <summary>Word analysis for a new data folder (jieba, smartcn); an existing folder must match its record.</summary>
    public string? Analysis { get; set; }

    /// <summary>File holding the API key (first line, trimmed); takes precedence over NEWSSEARCH_API_KEY.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>The API key from configuration (appsettings or NewsSearch__ApiKey); used when neither a key file nor NEWSSEARCH_API_KEY is set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>When true, searches and article reads need the API key too (health, OpenAPI and the page stay open).</summary>
    public bool RequireKeyForReads { get; set; }

    /// <summary>Import folder: page dumps and JSON files dropped here are ingested by the watcher (moved to done/ or failed/),
    /// and POST /api/v1/admin/ingest runs the same pass on demand; requests never name a path.</summary>
    public string? ImportFolder { get; set; }

    /// <summary>Watch the import folder and ingest dropped files within seconds (default); false: only the admin ingest job reads it.</summary>
    public bool WatchImportFolder { get; set; } = true;

    /// <summary>Largest request body POST /api/v1/articles takes (bytes); larger ones get 413 payload_too_large.</summary>
    public long MaxBulkBodyBytes { get; set; } = 32L << 20;

    /// <summary>Largest request body PUT /api/v1/articles/{id} takes (bytes).</summary>
    public long MaxArticleBodyBytes { get; set; } = 4L << 20;

    /// <summary>Search responses kept per index snapshot (a refresh starts over, so a write is never served stale once
    /// searchable); 0 turns the cache off.</summary>
    public int SearchCacheEntries { get; set; } = 1024;
}
