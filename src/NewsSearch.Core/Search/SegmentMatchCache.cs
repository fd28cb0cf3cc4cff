using System.Collections.Concurrent;

namespace NewsSearch.Core.Search;

/// <summary>
/// Match sets (bitsets over one immutable segment's doc ids) of costly clauses, by a key naming the clause: Lucene's
/// per-segment query cache with a usage-tracking policy, a set is kept from the clause's second use on (a clause
/// used once is not worth the memory). Bounded: the cache starts over when full. Safe across threads.
/// </summary>
public sealed class SegmentMatchCache
{
    /// <summary>Most match sets kept.</summary>
    public const int MaxEntries = 32;
    private const int MaxTracked = 1024;

    private readonly ConcurrentDictionary<string, ulong[]> _sets = new();
    private readonly ConcurrentDictionary<string, int> _uses = new();

    public int Count => _sets.Count;

    public bool TryGet(string key, out ulong[] matches) => _sets.TryGetValue(key, out matches!);

    /// <summary>Counts a use of the clause; true from its second use on (when its set should be built and kept).</summary>
    public bool CountUse(string key)
    {
        if (_uses.Count >= MaxTracked) _uses.Clear();
        return _uses.AddOrUpdate(key, 1, static (_, n) => n + 1) >= 2;
    }

    public void Add(string key, ulong[] matches)
    {
        if (_sets.Count >= MaxEntries) _sets.Clear();
        _sets.TryAdd(key, matches);
    }
}
