namespace NewsSearch.Api.Infrastructure;

/// <summary>Host settings: `--data`, `--dict`, `--user-dict`, `--admin-key` on the command line, or the NewsSearch section.</summary>
public sealed class NewsSearchOptions
{
    public string Data { get; set; } = "index-data";
    public string? Dict { get; set; }
    public string? UserDict { get; set; }

    /// <summary>Index engine for a new data folder (native, lucene); an existing folder must match its record.</summary>
    public string? Engine { get; set; }

    /// <summary>Word analysis for a new data folder (jieba, smartcn); an existing folder must match its record.</summary>
    public string? Analysis { get; set; }

    /// <summary>When set, admin endpoints need header X-Admin-Key with this value; when not, only loopback callers.</summary>
    public string? AdminKey { get; set; }

    /// <summary>When set, pages and article files dropped into this folder are ingested (see ImportFolder): done/ and failed/ beside them.</summary>
    public string? ImportFolder { get; set; }
}
