namespace NewsSearch.Core.Engine;

/// <summary>
/// The order every engine breaks ties in: article ids by Unicode code point (the same as their UTF-8 bytes, as
/// Lucene's BytesRef compares them; the same as ordinal for ids without surrogates).
/// </summary>
public static class IdOrder
{
    public static int Compare(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            char x = a[i], y = b[i];
            if (x != y) return Fix(x) - Fix(y);
        }
        return a.Length - b.Length;
    }

    // UTF-16 code units to code point order: surrogates (U+D800..DFFF) sort after U+E000..FFFF.
    private static int Fix(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;

    public static readonly IComparer<string> Comparer = Comparer<string>.Create(Compare);
}
