namespace NewsSearch.Core.Index;

/// <summary>One (freq, field length) pair of a term's postings: BM25 rises with the freq and falls with the length, so
/// a set of pairs that dominates every document (each document has a pair with at least its freq and at most its
/// length) bounds every document's score, whatever the snapshot's average length.</summary>
public readonly record struct Impact(int Freq, int Length);

/// <summary>
/// Builds the competitive (freq, length) pairs of a block of postings or of a whole term: the Pareto front (no pair
/// has both a lower freq and a longer field than another), at most <see cref="MaxStored"/> of them as stored (adjacent
/// pairs merge into one that dominates both: the higher freq, the shorter length). Written in the skip data
/// (docs/index.md) and read by scorers as block and term score bounds.
/// </summary>
internal sealed class ImpactsBuilder
{
    /// <summary>Pairs stored per block or term; more are merged (a looser, still valid bound).</summary>
    public const int MaxStored = 8;

    // The front by freq ascending (so length ascending too); capacity grows with distinct freqs, which are few.
    private int[] _freqs = new int[16];
    private int[] _lengths = new int[16];
    private int _count;

    public int Count => _count;

    public void Clear() => _count = 0;

    /// <summary>Adds one document's pair (or another front's pair).</summary>
    public void Add(int freq, int length)
    {
        // Find the first pair with freq >= this one: it (and any above) dominates this pair if its length is <=.
        int i = 0;
        while (i < _count && _freqs[i] < freq) i++;
        for (int j = i; j < _count; j++)
            if (_lengths[j] <= length) return;
        // Pairs below (lower freq) with length >= this one are dominated by it: they form a run ending at i - 1.
        int start = i;
        while (start > 0 && _lengths[start - 1] >= length) start--;
        // Equal freq at i with a longer length is dominated too.
        int end = i < _count && _freqs[i] == freq ? i + 1 : i;
        int removed = end - start;
        if (removed == 0)
        {
            if (_count == _freqs.Length)
            {
                Array.Resize(ref _freqs, _count * 2);
                Array.Resize(ref _lengths, _count * 2);
            }
            Array.Copy(_freqs, i, _freqs, i + 1, _count - i);
            Array.Copy(_lengths, i, _lengths, i + 1, _count - i);
            _count++;
        }
        else if (removed > 1)
        {
            Array.Copy(_freqs, end, _freqs, start + 1, _count - end);
            Array.Copy(_lengths, end, _lengths, start + 1, _count - end);
            _count -= removed - 1;
        }
        _freqs[start] = freq;
        _lengths[start] = length;
    }

    /// <summary>Merges adjacent pairs until at most <see cref="MaxStored"/> are left, each time the pair whose merged
    /// bound overshoots least (BM25 with k1 1.2, b 0.75 at the front's mean length, as a yardstick only).</summary>
    public void Cap()
    {
        if (_count <= MaxStored) return;
        double avg = 0;
        for (int i = 0; i < _count; i++) avg += _lengths[i];
        avg = Math.Max(1, avg / _count);
        static double S(int f, int l, double avg) => f / (f + 1.2 * (0.25 + 0.75 * l / avg));
        while (_count > MaxStored)
        {
            int best = 0;
            double bestCost = double.MaxValue;
            for (int i = 0; i + 1 < _count; i++)
            {
                double merged = S(_freqs[i + 1], _lengths[i], avg);
                double cost = merged - Math.Max(S(_freqs[i], _lengths[i], avg), S(_freqs[i + 1], _lengths[i + 1], avg));
                if (cost < bestCost) { bestCost = cost; best = i; }
            }
            // (f[i], l[i]) and (f[i+1], l[i+1]) become (f[i+1], l[i]).
            _freqs[best] = _freqs[best + 1];
            Array.Copy(_freqs, best + 2, _freqs, best + 1, _count - best - 2);
            Array.Copy(_lengths, best + 2, _lengths, best + 1, _count - best - 2);
            _count--;
        }
    }

    public Impact this[int i] => new(_freqs[i], _lengths[i]);

    /// <summary>Writes the (capped) front: vInt count, then per pair by freq ascending vInt freq delta − 1 (the first:
    /// freq − 1) and vInt length delta (the first: the length).</summary>
    public void WriteTo(ByteBuffer output)
    {
        Cap();
        output.WriteVInt(_count);
        int prevFreq = 0, prevLength = 0;
        for (int i = 0; i < _count; i++)
        {
            output.WriteVInt(_freqs[i] - prevFreq - 1);
            output.WriteVInt(_lengths[i] - prevLength);
            prevFreq = _freqs[i];
            prevLength = _lengths[i];
        }
    }

    /// <summary>Reads pairs written by <see cref="WriteTo"/> at <paramref name="p"/> (advanced past them) into
    /// <paramref name="into"/>; returns how many.</summary>
    public static unsafe int Read(byte* data, ref long p, Span<Impact> into)
    {
        int n = Mem.ReadVInt(data, ref p);
        int freq = 0, length = 0;
        for (int i = 0; i < n; i++)
        {
            freq += Mem.ReadVInt(data, ref p) + 1;
            length += Mem.ReadVInt(data, ref p);
            if (i < into.Length) into[i] = new Impact(freq, length);
        }
        return Math.Min(n, into.Length);
    }

    /// <summary>Moves <paramref name="p"/> past pairs written by <see cref="WriteTo"/>.</summary>
    public static unsafe void Skip(byte* data, ref long p)
    {
        int n = Mem.ReadVInt(data, ref p);
        Mem.SkipVInts(data, ref p, 2 * n);
    }
}
