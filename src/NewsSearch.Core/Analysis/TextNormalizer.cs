using System.Runtime.CompilerServices;
using System.Text;

namespace NewsSearch.Core.Analysis;

/// <summary>
/// NFKC + lowercase, one code point at a time, remembering for every output char the span of the original
/// code point it came from, so that tokens found in the normalized text get offsets into the original.
/// Per-code-point NFKC (instead of whole-string NFKC) is what makes that map exact; it only differs from full NFKC
/// where a base letter and a separate combining mark would compose (not a concern for Chinese news text).
/// The BMP table is built once per process; a normalizer instance reuses its buffers (not thread-safe).
/// </summary>
internal sealed class TextNormalizer
{
    /// <summary>The BMP map: for every char whose NFKC+lowercase form differs, (pool offset &lt;&lt; 5 | length).</summary>
    internal sealed record NormTable(int[] Map, char[] Pool);

    private static volatile NormTable? _table;
    private static readonly Lock Gate = new();

    /// <summary>The process-wide table: the one installed from the dictionary cache, else built from ICU once.</summary>
    internal static NormTable Table
    {
        get
        {
            var t = _table;
            if (t != null) return t;
            lock (Gate) return _table ??= BuildTable();
        }
    }

    /// <summary>Uses a table read from the compiled cache (skips ~65K ICU calls at startup).</summary>
    internal static void Install(NormTable table)
    {
        if (table.Map.Length != 65536) throw new InvalidDataException("normalizer map must have 65536 entries");
        lock (Gate) _table ??= table;
    }

    private readonly int[] _map;
    private readonly char[] _pool;

    public char[] Chars = new char[256];
    /// <summary>Original UTF-16 start of the code point that produced each output char.</summary>
    public int[] SrcStart = new int[256];
    /// <summary>Original UTF-16 end of the code point that produced each output char.</summary>
    public int[] SrcEnd = new int[256];
    public int Length;

    public TextNormalizer()
    {
        var t = Table;
        _map = t.Map;
        _pool = t.Pool;
    }

    public ReadOnlySpan<char> Text => Chars.AsSpan(0, Length);

    /// <summary>Forces the process-wide table to be built (so load time includes it, not the first document).</summary>
    public static void Warm() => _ = Table;

    public void Normalize(ReadOnlySpan<char> text)
    {
        Ensure(text.Length + 8);
        int o = 0;
        var map = _map;
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (c < 0x80)
            {
                if ((uint)(c - 'A') <= 'Z' - 'A') c = (char)(c | 0x20);
                Chars[o] = c; SrcStart[o] = i; SrcEnd[o] = i + 1; o++; i++;
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                o = AppendSupplementary(text.Slice(i, 2), i, o, text.Length);
                i += 2;
                continue;
            }
            int m = map[c];
            if (m == 0)
            {
                Chars[o] = c; SrcStart[o] = i; SrcEnd[o] = i + 1; o++;
            }
            else
            {
                int len = m & 31, at = m >> 5;
                Ensure(o + len + (text.Length - i) + 8);
                for (int k = 0; k < len; k++) { Chars[o] = _pool[at + k]; SrcStart[o] = i; SrcEnd[o] = i + 1; o++; }
            }
            i++;
        }
        Length = o;
    }

    private int AppendSupplementary(ReadOnlySpan<char> pair, int i, int o, int textLength)
    {
        int cp = char.ConvertToUtf32(pair[0], pair[1]);
        // Only these blocks have compatibility decompositions outside the BMP; normalizing them allocates, which is fine (rare).
        bool compat = cp is >= 0x1D400 and <= 0x1D7FF or >= 0x2F800 and <= 0x2FA1F or >= 0x1F100 and <= 0x1F2FF
            or >= 0x1EE00 and <= 0x1EEFF or >= 0x1FBF0 and <= 0x1FBF9;
        if (compat)
        {
            string n = new string(pair).Normalize(NormalizationForm.FormKC).ToLowerInvariant();
            Ensure(o + n.Length + (textLength - i) + 8);
            foreach (char ch in n) { Chars[o] = ch; SrcStart[o] = i; SrcEnd[o] = i + 2; o++; }
            return o;
        }
        Chars[o] = pair[0]; SrcStart[o] = i; SrcEnd[o] = i + 2; o++;
        Chars[o] = pair[1]; SrcStart[o] = i; SrcEnd[o] = i + 2; o++;
        return o;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int size)
    {
        if (Chars.Length >= size) return;
        int n = Math.Max(size, Chars.Length * 2);
        Array.Resize(ref Chars, n);
        Array.Resize(ref SrcStart, n);
        Array.Resize(ref SrcEnd, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static NormTable BuildTable()
    {
        var map = new int[65536];
        var pool = new StringBuilder();
        Span<char> one = stackalloc char[1];
        Span<char> normalized = stackalloc char[31]; // lengths are stored in 5 bits
        for (int c = 0x80; c < 0x10000; c++)
        {
            // Blocks that NFKC leaves alone and that have no case: CJK ext. A and unified ideographs, hangul syllables,
            // surrogates, private use. Skipping them keeps the table build to a few milliseconds.
            if (c is >= 0x3400 and <= 0x4DBF or >= 0x4E00 and <= 0x9FFF or >= 0xAC00 and <= 0xD7A3 or >= 0xD800 and <= 0xF8FF)
                continue;
            char ch = (char)c;
            one[0] = ch;
            scoped ReadOnlySpan<char> s;
            try
            {
                if (one.IsNormalized(NormalizationForm.FormKC)) s = one;
                else if (one.TryNormalize(normalized, out int written, NormalizationForm.FormKC)) s = normalized[..written];
                else continue; // longer than 31 chars: no such char in Unicode today; keep it as is
            }
            catch (ArgumentException) { continue; } // noncharacters (U+FFFE...) are kept as they are
            bool same = s.Length == 1 && s[0] == ch && char.ToLowerInvariant(ch) == ch;
            if (same) continue;
            map[c] = (pool.Length << 5) | s.Length;
            foreach (char x in s) pool.Append(char.ToLowerInvariant(x));
        }
        return new NormTable(map, pool.ToString().ToCharArray());
    }
}
