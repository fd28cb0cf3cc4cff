using System.Collections.Concurrent;

namespace NewsSearch.Core.Search;

/// <summary>
/// Match sets (bitsets over one immutable segment's doc ids, with their size) of costly clauses, by a key naming the
/// clause: Lucene's per-segment query cache. A set comes from postings alone, so every snapshot sharing the segment
/// can use it whatever its deletions (they are cleared afterwards, as for any clause). Bounded: the cache starts
/// over when full. Safe across threads.
/// </summary>
public sealed class SegmentMatchCache
{
    /// <summary>Most match sets kept.</summary>
    public const int MaxEntries = 32;
    private const int MaxTracked = 1024;

    private readonly ConcurrentDictionary<string, (ulong[]? Bits, long Count)> _sets = new();
    private readonly ConcurrentDictionary<string, int> _uses = new();

    public int Count => _sets.Count;

    public bool TryGet(string key, out (ulong[]? Bits, long Count) matches) => _sets.TryGetValue(key, out matches);

    /// <summary>Counts a use of the clause; true from its second use on. Lucene's usage-tracking policy, for clauses
    /// a single use of which is not worth the memory.</summary>
    public bool CountUse(string key)
    {
        if (_uses.Count >= MaxTracked) _uses.Clear();
        return _uses.AddOrUpdate(key, 1, static (_, n) => n + 1) >= 2;
    }

    public void Add(string key, (ulong[]? Bits, long Count) matches)
    {
        if (_sets.Count >= MaxEntries) _sets.Clear();
        _sets.TryAdd(key, matches);
    }
}
