using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NewsSearch.Core.Analysis;

/// <summary>
/// jieba's prefix dictionary as a trie whose edges live in one open-addressing hash table of
/// (parent node, char) → child node, packed into a single ulong per slot so that a step costs one
/// multiply and usually one cache line. The root's children are a direct 64K table (every walk starts there).
/// Per node: log(freq) − log(total) when the node ends a dictionary word (freq &gt; 0), else NotAWord.
/// Immutable after construction; shared by every thread.
/// </summary>
internal sealed unsafe class PrefixDictionary
{
    /// <summary>Marker in the log-probability table for a node that is only a prefix (log probabilities are ≤ 0).</summary>
    public const double NotAWord = 1.0;

    private const int CharBits = 16;
    private const int ChildBits = 24;
    private const ulong ChildMask = (1UL << ChildBits) - 1;

    // Raw memory: either pinned arrays (just compiled) or a read-only view of the cache file, mapped for the life
    // of the process (loading is then a mapping, not a 13 MB copy). Never freed, so the pointers never dangle.
    private readonly int* _rootChildren;   // 65536 entries; 0 = no child
    private readonly ulong* _edges;        // (parent << 40 | char << 24 | child); 0 = empty slot
    private readonly double* _logProb;     // per node
    private readonly int _edgeCount;
    private readonly int _shift;
    private readonly int _mask;
    private readonly object? _owner;       // what keeps the memory alive (pinned handles or the mapped view)

    /// <summary>Sum of all dictionary frequencies (jieba's total).</summary>
    public long Total { get; }

    /// <summary>log(total); a char that is no word scores log(1) − log(total) = −LogTotal, as in jieba.</summary>
    public double LogTotal { get; }

    public int NodeCount { get; }

    internal ReadOnlySpan<int> RootChildren => new(_rootChildren, 65536);
    internal ReadOnlySpan<ulong> Edges => new(_edges, _edgeCount);
    internal ReadOnlySpan<double> LogProbs => new(_logProb, NodeCount);

    /// <summary>Per node, log(freq) − log(total) of the word ending there, or <see cref="NotAWord"/>; pointer for the hot loops.</summary>
    internal double* LogProb => _logProb;

    internal PrefixDictionary(int* rootChildren, ulong* edges, int edgeCount, double* logProb, int nodeCount, long total, object? owner)
    {
        if (!BitOperations.IsPow2(edgeCount)) throw new InvalidDataException("edge table size must be a power of two");
        if (nodeCount <= 0 || total <= 0) throw new InvalidDataException("empty dictionary");
        _rootChildren = rootChildren;
        _edges = edges;
        _edgeCount = edgeCount;
        _mask = edgeCount - 1;
        _shift = 64 - BitOperations.Log2((uint)edgeCount);
        _logProb = logProb;
        NodeCount = nodeCount;
        Total = total;
        LogTotal = Math.Log(total);
        _owner = owner;
    }

    /// <summary>Over managed arrays, pinned for the life of the process.</summary>
    internal static PrefixDictionary FromArrays(int[] rootChildren, ulong[] edges, double[] logProb, long total)
    {
        if (rootChildren.Length != 65536) throw new InvalidDataException("root table must have 65536 entries");
        var handles = new[]
        {
            GCHandle.Alloc(rootChildren, GCHandleType.Pinned), GCHandle.Alloc(edges, GCHandleType.Pinned),
            GCHandle.Alloc(logProb, GCHandleType.Pinned),
        };
        return new PrefixDictionary((int*)handles[0].AddrOfPinnedObject(), (ulong*)handles[1].AddrOfPinnedObject(), edges.Length,
            (double*)handles[2].AddrOfPinnedObject(), logProb.Length, total, handles);
    }

    /// <summary>Checks that every link stays inside the tables, so a tampered cache cannot send a walk out of bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Validate()
    {
        uint nodes = (uint)NodeCount;
        for (int i = 0; i < 65536; i++)
            if ((uint)_rootChildren[i] >= nodes) throw new InvalidDataException("dictionary root link out of range");
        for (int i = 0; i < _edgeCount; i++)
        {
            ulong e = _edges[i];
            if (e != 0 && ((e & ChildMask) >= nodes || (e >> (ChildBits + CharBits)) >= nodes || (e & ChildMask) == 0))
                throw new InvalidDataException("dictionary link out of range");
        }
    }

    /// <summary>The child of <paramref name="node"/> along <paramref name="c"/>, or 0 when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Child(int node, char c)
    {
        if (node == 0) return _rootChildren[c];
        ulong key = ((ulong)node << CharBits) | c;
        int h = Slot(key, _shift);
        var edges = _edges;
        while (true)
        {
            ulong e = edges[h];
            if (e == 0) return 0;
            if (e >> ChildBits == key) return (int)(e & ChildMask);
            h = (h + 1) & _mask;
        }
    }

    /// <summary>True when the whole span is a dictionary word with a positive frequency.</summary>
    public bool IsWord(ReadOnlySpan<char> word)
    {
        int node = 0;
        foreach (char c in word)
        {
            node = Child(node, c);
            if (node == 0) return false;
        }
        return node != 0 && _logProb[node] <= 0;
    }

    /// <summary>True when <paramref name="node"/> ends a word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsWordNode(int node) => _logProb[node] <= 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(ulong key, int shift) => (int)((key * 0x9E3779B97F4A7C15UL) >> shift);

    /// <summary>Builds the trie from (word, freq) entries in file order, with jieba's semantics.</summary>
    internal sealed class Builder
    {
        private readonly int[] _root = new int[65536];
        private readonly Dictionary<ulong, int> _edges = new();
        private readonly List<long> _freq = new() { 0 }; // node 0 = root
        public long Total { get; private set; }

        public int NodeCount => _freq.Count;

        /// <summary>Adds a word: a later entry for the same word replaces its frequency, while the total counts both (as jieba does).</summary>
        public void Add(ReadOnlySpan<char> word, long freq) => Add(word, freq, countInTotal: true);

        /// <summary>
        /// Adds a word; with <paramref name="countInTotal"/> false the total (and so every other word's probability)
        /// stays exactly jieba's — used for the lowercase twins of dictionary words like A股.
        /// </summary>
        public void Add(ReadOnlySpan<char> word, long freq, bool countInTotal)
        {
            if (word.IsEmpty) return;
            int node = 0;
            foreach (char c in word)
            {
                int child;
                if (node == 0)
                {
                    child = _root[c];
                    if (child == 0) { child = NewNode(); _root[c] = child; }
                }
                else
                {
                    ulong key = ((ulong)node << CharBits) | c;
                    if (!_edges.TryGetValue(key, out child)) { child = NewNode(); _edges[key] = child; }
                }
                node = child;
            }
            _freq[node] = freq;
            if (countInTotal) Total += freq;
        }

        /// <summary>Frequency of a word, 0 when it is absent or only a prefix.</summary>
        public long Freq(ReadOnlySpan<char> word)
        {
            int node = 0;
            foreach (char c in word)
            {
                node = node == 0 ? _root[c] : (_edges.TryGetValue(((ulong)node << CharBits) | c, out int ch) ? ch : 0);
                if (node == 0) return 0;
            }
            return _freq[node];
        }

        private int NewNode()
        {
            if (_freq.Count >= (1 << ChildBits) - 1) throw new InvalidDataException("dictionary too large (more than 16M trie nodes)");
            _freq.Add(0);
            return _freq.Count - 1;
        }

        public PrefixDictionary Build()
        {
            if (Total <= 0) throw new InvalidDataException("dictionary has no word with a positive frequency");
            int cap = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, _edges.Count * 2));
            var table = new ulong[cap];
            int shift = 64 - BitOperations.Log2((uint)cap);
            int mask = cap - 1;
            foreach (var (key, child) in _edges)
            {
                int h = Slot(key, shift);
                while (table[h] != 0) h = (h + 1) & mask;
                table[h] = (key << ChildBits) | (uint)child;
            }
            double logTotal = Math.Log(Total);
            var logProb = new double[_freq.Count];
            for (int i = 0; i < logProb.Length; i++)
                logProb[i] = _freq[i] > 0 ? Math.Log(_freq[i]) - logTotal : NotAWord;
            return FromArrays((int[])_root.Clone(), table, logProb, Total);
        }
    }
}
