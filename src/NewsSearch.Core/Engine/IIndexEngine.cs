using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Engine;

// The seam between what every engine shares (the article store and its change feed, ArticleDocuments, the
// catch-up / near-real-time / reindex logic, the query tree our QueryParser produces, highlighting, the API and
// the CLI) and what each engine does its own way (writing, snapshots, executing a query tree, checking).
// Implementations: the native engine (src/NewsSearch.Core/Index) and Lucene.Net 4.8 (src/NewsSearch.Engine.Lucene).
// A distributed engine would implement the same three interfaces.

/// <summary>One kind of index: how it is written, read, searched and checked in one folder.</summary>
public interface IIndexEngine
{
    /// <summary>Stable name recorded in the data folder and in every commit: <see cref="EngineNames"/>.</summary>
    string Name { get; }

    /// <summary>On-disk format this build writes, recorded in every commit (e.g. "native/6", "lucene/4.8").</summary>
    string Format { get; }

    /// <summary>Opens (creating when needed) the index in <paramref name="folder"/> for writing; takes the
    /// folder's write lock. Throws <see cref="IndexLockedException"/> when another process holds it and
    /// <see cref="IndexCorruptException"/> (FormatMismatch set) for an index of another format.</summary>
    IEngineWriter OpenWriter(string folder, EngineWriterOptions options);

    /// <summary>Opens the newest commit of <paramref name="folder"/> read-only (a CLI search beside a running
    /// server, `stats`); null when the folder holds no commit. With <paramref name="verifyChecksums"/> every file's
    /// checksum is verified first. Takes no lock and deletes nothing. The caller disposes the snapshot.</summary>
    IEngineSnapshot? OpenReadOnly(string folder, bool verifyChecksums = false);

    /// <summary>Full integrity check of the newest commit (checksums, structure); never throws for corruption,
    /// it reports it.</summary>
    EngineCheckResult Check(string folder);
}

/// <summary>How to open a writer.</summary>
public sealed record EngineWriterOptions
{
    /// <summary>Analyzer per indexed text field (<see cref="NewsSearch.Core.NewsFields.TextFields"/>).</summary>
    public required Func<string, Analyzer> Analyzers { get; init; }

    /// <summary>Recorded in every commit; an index built with another signature is rebuilt or refused.</summary>
    public required string AnalysisSignature { get; init; }

    public long RamBufferBytes { get; init; } = 160L << 20;

    public bool BackgroundMerges { get; init; } = true;

    public bool VerifyChecksumsOnOpen { get; init; } = true;

    public Action<string>? Log { get; init; }
}

/// <summary>What a durable commit holds (its "user data"): enough for catch-up after a crash to replay
/// exactly the store changes that are missing.</summary>
public sealed record EngineCommit(long Generation, long StoreSequence, string AnalysisSignature, string Engine, string Format);

/// <summary>The single writer of one index folder. Not thread-safe for concurrent writes: the IndexManager
/// serializes them.</summary>
public interface IEngineWriter : IDisposable
{
    /// <summary>The newest durable commit (Generation 0 and StoreSequence 0 for a new index).</summary>
    EngineCommit LastCommit { get; }

    bool HasUncommittedChanges { get; }

    /// <summary>Adds a document whose id is known not to be in the index (bulk builds).</summary>
    void Add(Document document);

    /// <summary>Replaces the document with the same id, or adds it.</summary>
    void Update(Document document);

    void Delete(string id);

    /// <summary>Makes every change so far durable and atomic, recording the store sequence it holds.</summary>
    EngineCommit Commit(long storeSequence);

    /// <summary>A snapshot of the last commit; the caller owns one reference.</summary>
    IEngineSnapshot AcquireSnapshot();

    /// <summary>Merges down to at most <paramref name="maxSegments"/> segments (optimize); the caller commits.</summary>
    void ForceMerge(int maxSegments = 1);

    /// <summary>Runs the merges the merge policy asks for now to their end (a running background merge included);
    /// the caller commits. Without this, closing the writer abandons them.</summary>
    void WaitForMerges();
}

/// <summary>An immutable point-in-time view of one commit, reference-counted: the publisher holds one reference
/// while it is current, every search lease another. Thread-safe.</summary>
public interface IEngineSnapshot : IDisposable
{
    string Engine { get; }

    long Generation { get; }

    /// <summary>Highest article-store change sequence this snapshot contains.</summary>
    long StoreSequence { get; }

    string AnalysisSignature { get; }

    int NumDocs { get; }

    /// <summary>Takes a reference unless the snapshot is already closed.</summary>
    bool TryIncRef();

    void DecRef();

    /// <summary>Runs a query tree: exact total hits, the top hits in <see cref="EngineSearchRequest.Order"/>,
    /// facet counts over the whole matching set.</summary>
    EngineSearchResult Search(EngineSearchRequest request);

    /// <summary>Live documents containing <paramref name="term"/> in <paramref name="field"/> (more-like-this).</summary>
    long DocFreq(string field, string term);

    /// <summary>Ids of every live document (checks and tests).</summary>
    IReadOnlySet<string> LiveIds();

    /// <summary>Figures for `newssearch stats` and the admin API.</summary>
    IndexStats GetStats(string folder);
}

/// <summary>Names of the engines a data folder can be created with.</summary>
public static class EngineNames
{
    public const string Native = "native";
    public const string Lucene = "lucene";
}

/// <summary>Order of hits. Ties are broken by article id (ordinal), so every engine returns the same order.</summary>
public enum HitOrder
{
    /// <summary>Best score first.</summary>
    Relevance,
    /// <summary>Latest publication day first; undated articles last.</summary>
    Newest,
    /// <summary>Earliest publication day first; undated articles last.</summary>
    Oldest,
}

/// <summary>Facets to count over the whole matching set.</summary>
[Flags]
public enum FacetFields
{
    None = 0,
    /// <summary>Publication month, "yyyy-MM".</summary>
    Month = 1,
    Author = 2,
    Section = 4,
}

/// <summary>A search as an engine runs it: the parsed query tree, plus a non-scoring filter.</summary>
public sealed record EngineSearchRequest(Search.Query Query, int TopN)
{
    /// <summary>Must match too, without scoring (date range, author, section, kind); null for none.</summary>
    public Search.Query? Filter { get; init; }

    public HitOrder Order { get; init; } = HitOrder.Relevance;

    public FacetFields Facets { get; init; } = FacetFields.None;

    /// <summary>Most values returned per facet (by count, then value).</summary>
    public int FacetSize { get; init; } = 20;

    /// <summary>Fill <see cref="EngineHit.Explanation"/> for the returned hits.</summary>
    public bool Explain { get; init; }

    /// <summary>A second pass over the first pass's best hits (relevance order only; ignored for date orders):
    /// see <see cref="EngineRescore"/>. Null for none.</summary>
    public EngineRescore? Rescore { get; init; }
}

/// <summary>
/// Lucene's QueryRescorer with weights 1 and <paramref name="Weight"/>: the engine takes the best
/// max(TopN, <paramref name="Window"/>) hits of the first pass, adds <paramref name="Weight"/> × the score of
/// <paramref name="Query"/> to each of them that it matches (only these documents are scored), re-sorts them by the new
/// score (ties by <see cref="IdOrder"/>) and returns the best TopN. Total hits and facets are the first pass's.
/// </summary>
public sealed record EngineRescore(Search.Query Query, int Window, float Weight = 1f);

/// <summary>One hit: the article id, its score (also computed when sorting by date) and its publication day
/// (days since 1970-01-01, <see cref="long.MinValue"/> when unknown).</summary>
public sealed record EngineHit(string Id, float Score, long Day)
{
    /// <summary>How the score was computed (after a rescore: first pass + weighted rescore query).</summary>
    public Search.Explanation? Explanation { get; init; }
}

public sealed record FacetValue(string Value, long Count);

/// <summary>Exact total hits, the top hits, and per facet its top values.</summary>
public sealed record EngineSearchResult(long TotalHits, IReadOnlyList<EngineHit> Hits)
{
    public IReadOnlyDictionary<FacetFields, IReadOnlyList<FacetValue>> Facets { get; init; } =
        new Dictionary<FacetFields, IReadOnlyList<FacetValue>>();

    /// <summary>Why the engine could not find every match (an expansion limit was hit), or null: then
    /// <see cref="TotalHits"/> and the hits are complete.</summary>
    public string? PartialReason { get; init; }

    public bool Partial => PartialReason is not null;
}

/// <summary>What an integrity check found.</summary>
public sealed record EngineCheckResult(bool Ok, string Engine, long Generation, int NumDocs, IReadOnlyList<string> Problems);
