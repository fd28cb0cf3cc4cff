using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Analysis;

/// <summary>A segment of the text handed to <see cref="JiebaSegmenter.Segment"/>: UTF-16 start and length.</summary>
public readonly record struct WordSpan(int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>
/// Our implementation of jieba's accurate mode with HMM (<c>jieba.cut(text, HMM=True)</c>): blocks of
/// [U+4E00–U+9FD5 a-zA-Z0-9 +#&amp;._%-] are cut along the maximum-probability route through the prefix-dictionary
/// DAG, runs of single characters that are not a word go through the BMES Viterbi of finalseg, and everything
/// else comes out one code point at a time ("\r\n" as one). Raw: no normalization, so it can be compared with
/// Python's jieba. Not thread-safe (it reuses its buffers); create one per thread with
/// <see cref="NewsAnalysis.CreateSegmenter"/>. Segmenting allocates nothing once the buffers have grown.
/// </summary>
public sealed unsafe class JiebaSegmenter : IWordSegmenter
{
    private readonly PrefixDictionary _dict;
    private readonly HmmModel _hmm;

    private WordSpan[] _words = new WordSpan[256];
    private int _count;
    private double[] _route = new double[256];
    private int[] _next = new int[256];
    private double[] _viterbi = new double[256 * 4];
    private byte[] _back = new byte[256 * 4];

    internal JiebaSegmenter(PrefixDictionary dict, HmmModel hmm)
    {
        _dict = dict;
        _hmm = hmm;
    }

    /// <summary>The segments of the last <see cref="Segment"/> call, in text order, covering the whole text.</summary>
    public ReadOnlySpan<WordSpan> Words => _words.AsSpan(0, _count);

    /// <summary>Convenience for tools and tests (allocates): the words of <paramref name="text"/> as strings.</summary>
    public List<string> Cut(string text)
    {
        Segment(text);
        var list = new List<string>(_count);
        foreach (var w in Words) list.Add(text.Substring(w.Start, w.Length));
        return list;
    }

    /// <summary>Segments <paramref name="text"/>; the result is in <see cref="Words"/> until the next call.</summary>
    public int Segment(ReadOnlySpan<char> text)
    {
        _count = 0;
        int n = text.Length;
        int i = 0;
        while (i < n)
        {
            char c = text[i];
            if (IsBlockChar(c))
            {
                int j = i + 1;
                while (j < n && IsBlockChar(text[j])) j++;
                CutBlock(text, i, j);
                i = j;
            }
            else if (c == '\r' && i + 1 < n && text[i + 1] == '\n')
            {
                Add(i, 2); i += 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < n && char.IsLowSurrogate(text[i + 1]))
            {
                Add(i, 2); i += 2; // Python sees one code point
            }
            else
            {
                Add(i, 1); i++;
            }
        }
        return _count;
    }

    /// <summary>jieba's re_han_default: the characters that are cut with the dictionary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsBlockChar(char c)
    {
        if (c >= '\u4E00') return c <= '\u9FD5';
        if (c >= 'a') return c <= 'z';
        if (c >= 'A') return c <= 'Z' || c == '_';
        if (c >= '0') return c <= '9';
        return c is '+' or '#' or '&' or '.' or '%' or '-';
    }

    /// <summary>finalseg's re_han: what the Viterbi tags.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsHan(char c) => c >= '\u4E00' && c <= '\u9FD5';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsAsciiAlnum(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(int start, int length)
    {
        if (_count == _words.Length) Array.Resize(ref _words, _words.Length * 2);
        _words[_count++] = new WordSpan(start, length);
    }

    /// <summary>The DAG and the maximum-probability route over one block [start, end), computed right to left.</summary>
    private void CutBlock(ReadOnlySpan<char> text, int start, int end)
    {
        int n = end - start;
        if (_route.Length < n + 1)
        {
            int size = Math.Max(n + 1, _route.Length * 2);
            _route = new double[size];
            _next = new int[size];
        }
        var route = _route;
        var next = _next;
        var dict = _dict;
        var logProb = dict.LogProb;
        double logTotal = dict.LogTotal;
        var block = text.Slice(start, n);

        route[n] = 0;
        for (int idx = n - 1; idx >= 0; idx--)
        {
            double best = 0;
            int bestEnd = -1;
            int node = dict.Child(0, block[idx]);
            int i = idx;
            while (node != 0)
            {
                double lp = logProb[node];
                if (lp <= 0)
                {
                    // Python's max over (prob, end) tuples: on equal probability the larger end wins.
                    double cand = lp + route[i + 1];
                    if (bestEnd < 0 || cand >= best) { best = cand; bestEnd = i; }
                }
                if (++i >= n) break;
                node = dict.Child(node, block[i]);
            }
            if (bestEnd < 0) { best = -logTotal + route[idx + 1]; bestEnd = idx; }
            route[idx] = best;
            next[idx] = bestEnd;
        }

        // Walk the route; consecutive single characters are buffered and, unless they form a word, go to the HMM.
        int x = 0, buf = -1;
        while (x < n)
        {
            int y = next[x] + 1;
            if (y - x == 1)
            {
                if (buf < 0) buf = x;
            }
            else
            {
                if (buf >= 0) { FlushSingles(text, start + buf, start + x); buf = -1; }
                Add(start + x, y - x);
            }
            x = y;
        }
        if (buf >= 0) FlushSingles(text, start + buf, start + n);
    }

    private void FlushSingles(ReadOnlySpan<char> text, int start, int end)
    {
        if (end - start == 1) { Add(start, 1); return; }
        if (!_dict.IsWord(text[start..end])) { HmmCut(text, start, end); return; }
        for (int i = start; i < end; i++) Add(i, 1);
    }

    /// <summary>finalseg.cut: Han runs through the Viterbi, the rest split by ([a-zA-Z0-9]+(?:\.\d+)?%?).</summary>
    private void HmmCut(ReadOnlySpan<char> text, int start, int end)
    {
        int i = start;
        while (i < end)
        {
            if (IsHan(text[i]))
            {
                int j = i + 1;
                while (j < end && IsHan(text[j])) j++;
                Viterbi(text, i, j);
                i = j;
                continue;
            }
            int k = i; // non-Han piece [i, k)
            while (k < end && !IsHan(text[k])) k++;
            int other = -1; // start of pending text between matches
            int p = i;
            while (p < k)
            {
                if (!IsAsciiAlnum(text[p]))
                {
                    if (other < 0) other = p;
                    p++;
                    continue;
                }
                if (other >= 0) { Add(other, p - other); other = -1; }
                int m = p;
                while (m < k && IsAsciiAlnum(text[m])) m++;
                if (m + 1 < k && text[m] == '.' && char.IsAsciiDigit(text[m + 1]))
                {
                    m += 2;
                    while (m < k && char.IsAsciiDigit(text[m])) m++;
                }
                if (m < k && text[m] == '%') m++;
                Add(p, m - p);
                p = m;
            }
            if (other >= 0) Add(other, k - other);
            i = k;
        }
    }

    /// <summary>BMES Viterbi over a Han run [start, end), then cut by the tags as finalseg does.</summary>
    private void Viterbi(ReadOnlySpan<char> text, int start, int end)
    {
        int t = end - start;
        if (_viterbi.Length < t * 4)
        {
            _viterbi = new double[Math.Max(t * 4, _viterbi.Length * 2)];
            _back = new byte[_viterbi.Length];
        }
        var v = _viterbi;
        var back = _back;
        var startP = _hmm.Start;
        var trans = _hmm.Trans;
        var emit = _hmm.Emit;

        char c0 = text[start];
        for (int y = 0; y < 4; y++) v[y] = startP[y] + emit[y * 65536 + c0];

        for (int k = 1; k < t; k++)
        {
            char c = text[start + k];
            int prev = (k - 1) * 4, cur = k * 4;
            // PrevStatus: B ← E,S; M ← M,B; S ← S,E; E ← B,M. Ties go to the larger state letter.
            Step(v, back, prev, cur, HmmModel.B, HmmModel.E, HmmModel.S, trans, emit[HmmModel.B * 65536 + c]);
            Step(v, back, prev, cur, HmmModel.M, HmmModel.M, HmmModel.B, trans, emit[HmmModel.M * 65536 + c]);
            Step(v, back, prev, cur, HmmModel.S, HmmModel.S, HmmModel.E, trans, emit[HmmModel.S * 65536 + c]);
            Step(v, back, prev, cur, HmmModel.E, HmmModel.B, HmmModel.M, trans, emit[HmmModel.E * 65536 + c]);
        }

        int last = (t - 1) * 4;
        int state = v[last + HmmModel.S] >= v[last + HmmModel.E] ? HmmModel.S : HmmModel.E;
        // Backtrack the tags into the buffer's tail (v is no longer needed): reuse back[k*4] as the tag of k.
        for (int k = t - 1; k >= 0; k--)
        {
            int prevState = k > 0 ? back[k * 4 + state] : 0;
            back[k * 4] = (byte)state;
            state = prevState;
        }

        int begin = 0, nexti = 0;
        for (int k = 0; k < t; k++)
        {
            switch (back[k * 4])
            {
                case HmmModel.B: begin = k; break;
                case HmmModel.E: Add(start + begin, k + 1 - begin); nexti = k + 1; break;
                case HmmModel.S: Add(start + k, 1); nexti = k + 1; break;
            }
        }
        if (nexti < t) Add(start + nexti, t - nexti);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(double[] v, byte[] back, int prev, int cur, int y, int y0a, int y0b, double[] trans, double em)
    {
        double pa = v[prev + y0a] + trans[y0a * 4 + y] + em;
        double pb = v[prev + y0b] + trans[y0b * 4 + y] + em;
        // Python's max over (prob, state) tuples: equal probabilities go to the larger state letter.
        bool takeB = pb > pa || (pb == pa && y0b > y0a);
        v[cur + y] = takeB ? pb : pa;
        back[cur + y] = (byte)(takeB ? y0b : y0a);
    }
}
