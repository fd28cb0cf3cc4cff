using System.Numerics;
using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Analysis;

/// <summary>
/// jieba's prefix dictionary as a trie whose edges live in one open-addressing hash table of
/// (parent node, char) → child node, packed into a single ulong per slot so that a step costs one
/// multiply and usually one cache line. The root's children are a direct 64K table (every walk starts there).
/// Per node: log(freq) − log(total) when the node ends a dictionary word (freq &gt; 0), else <see cref="NotAWord"/>.
/// Immutable after construction; shared by every thread.
/// </summary>
internal sealed class PrefixDictionary
{
    /// <summary>Marker in <see cref="LogProb"/> for a node that is only a prefix (log probabilities are ≤ 0).</summary>
    public const double NotAWord = 1.0;

    private const int CharBits = 16;
    private const int ChildBits = 24;
    private const ulong ChildMask = (1UL << ChildBits) - 1;

    private readonly int[] _rootChildren;   // 65536 entries; 0 = no child
    private readonly ulong[] _edges;        // (parent << 40 | char << 24 | child); 0 = empty slot
    private readonly int _shift;
    private readonly int _mask;

    /// <summary>Per node, log(freq) − log(total) of the word ending there, or <see cref="NotAWord"/>.</summary>
    public readonly double[] LogProb;

    /// <summary>Sum of all dictionary frequencies (jieba's total).</summary>
    public long Total { get; }

    /// <summary>log(total); a char that is no word scores log(1) − log(total) = −LogTotal, as in jieba.</summary>
    public double LogTotal { get; }

    public int NodeCount => LogProb.Length;

    internal int[] RootChildren => _rootChildren;
    internal ulong[] Edges => _edges;

    internal PrefixDictionary(int[] rootChildren, ulong[] edges, double[] logProb, long total)
    {
        if (rootChildren.Length != 65536) throw new InvalidDataException("root table must have 65536 entries");
        if (!BitOperations.IsPow2(edges.Length)) throw new InvalidDataException("edge table size must be a power of two");
        _rootChildren = rootChildren;
        _edges = edges;
        _mask = edges.Length - 1;
        _shift = 64 - BitOperations.Log2((uint)edges.Length);
        LogProb = logProb;
        Total = total;
        LogTotal = Math.Log(total);
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
        return node != 0 && LogProb[node] <= 0;
    }

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
        public void Add(ReadOnlySpan<char> word, long freq)
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
            Total += freq;
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
            return new PrefixDictionary((int[])_root.Clone(), table, logProb, Total);
        }
    }
}
