using System.Collections.Concurrent;
using NewsSearch.Core.Engine;

namespace NewsSearch.Core.Search;

/// <summary>
/// Whole search responses (ranked, loaded, highlighted) of one index snapshot, keyed by the request (Solr's
/// queryResultCache and Elasticsearch's request cache, one level up): a newsroom repeats the same searches all day.
/// Everything a response depends on is in the key or the generation: the request (a record: value equality), the
/// snapshot (a refresh publishes a new one, so a write is never served stale once it is searchable), the synonym map
/// and, for recency-boosted requests, the day. At most <see cref="Capacity"/> responses; when full it starts over
/// (cheaper than LRU bookkeeping and the generation changes on every refresh anyway). Errors are never cached.
/// </summary>
public sealed class SearchResultCache(int capacity)
{
    private sealed record Generation(IEngineSnapshot Snapshot, SynonymMap Synonyms)
    {
        public ConcurrentDictionary<(SearchRequest Request, DateOnly Day), SearchResponse> Responses { get; } = new();
    }

    private Generation? _current;
    private long _hits, _misses;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Responses served from the cache and computed, since start.</summary>
    public (long Hits, long Misses) Counts => (Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

    /// <summary>The cached response of <paramref name="request"/> on <paramref name="snapshot"/>, else
    /// <paramref name="search"/>'s (then cached). <see cref="SearchResponse.TookMs"/> is this call's time.</summary>
    public SearchResponse GetOrSearch(IEngineSnapshot snapshot, SynonymMap synonyms, SearchRequest request, DateOnly today,
        Func<SearchResponse> search)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(request);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var generation = Volatile.Read(ref _current);
        if (generation is null || !ReferenceEquals(generation.Snapshot, snapshot) || !ReferenceEquals(generation.Synonyms, synonyms))
        {
            var fresh = new Generation(snapshot, synonyms);
            // A search still on an older snapshot must not evict the newer generation.
            generation = Interlocked.CompareExchange(ref _current, fresh, generation) == generation ? fresh : Volatile.Read(ref _current)!;
            if (!ReferenceEquals(generation.Snapshot, snapshot) || !ReferenceEquals(generation.Synonyms, synonyms))
                return search();
        }
        var key = (request, request.Recency is null ? default : today);
        if (generation.Responses.TryGetValue(key, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return cached with { TookMs = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds };
        }
        Interlocked.Increment(ref _misses);
        var response = search();
        if (generation.Responses.Count >= Capacity) generation.Responses.Clear();
        generation.Responses.TryAdd(key, response);
        return response;
    }
}
