using System.Security.Cryptography;
using System.Text;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Ingest;

/// <summary>
/// Where a page sits in an archive, and the ids of the records cut from it.
/// <para>
/// A page's <em>path</em> is its path from the first dated folder down (<c>2026/06/01/A01.txt</c>,
/// <c>20260601/A01.txt</c>), so the same archive gives the same paths whichever folder above it is ingested; without
/// dated folders it is the path relative to the folder that was ingested, and a file named on its own is its name.
/// A record's id hashes the page's date, the page's path, the record's kind and its place on the page: an article's
/// title when no other article on the page has that title, else the title and its occurrence number; continuations
/// and notices by their order among their kind. So a daily headline on a daily page file (今日天气 on A01.txt)
/// gets a new id every day, re-ingesting the same file is a no-op, and editing an article's text keeps its id.
/// </para>
/// </summary>
public static class PageIds
{
    /// <summary>The page's path in its archive ('/'-separated); <paramref name="root"/> is the folder ingested, or null.</summary>
    public static string PagePath(string file, string? root)
    {
        string full = Path.GetFullPath(file);
        string rel = root is null ? Path.GetFileName(full) : Path.GetRelativePath(Path.GetFullPath(root), full);
        if (rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel)) rel = Path.GetFileName(full);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        int dated = DatedFolderIndex(parts, out _);
        if (dated >= 0) return string.Join('/', parts[dated..]);
        return rel.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The date the folders of a page's path spell (<c>2026/06/01/</c>, <c>2026-06-01/</c>, <c>20260601/</c>), if any.</summary>
    public static DateOnly? DateFromPath(string file)
    {
        var parts = Path.GetFullPath(file).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        return DatedFolderIndex(parts, out var date) >= 0 ? date : null;
    }

    /// <summary>Index of the last dated folder run (the file name itself is never a folder), -1 if none.</summary>
    private static int DatedFolderIndex(string[] parts, out DateOnly? date)
    {
        date = null;
        int folders = parts.Length - 1;
        for (int i = folders - 1; i >= 0; i--)
        {
            // yyyy/MM/dd as three folders ending at i
            if (i >= 2 && Num(parts[i - 2], 4) is { } y && Num(parts[i - 1], 2) is { } m && Num(parts[i], 2) is { } d && Valid(y, m, d))
            {
                date = new DateOnly(y, m, d);
                return i - 2;
            }
            var p = parts[i];
            if (p.Length == 8 && Num(p[..4], 4) is { } y8 && Num(p[4..6], 2) is { } m8 && Num(p[6..], 2) is { } d8 && Valid(y8, m8, d8))
            {
                date = new DateOnly(y8, m8, d8);
                return i;
            }
            if (p.Length == 10 && p[4] is '-' or '_' && p[7] == p[4] && Num(p[..4], 4) is { } y10 && Num(p[5..7], 2) is { } m10
                && Num(p[8..], 2) is { } d10 && Valid(y10, m10, d10))
            {
                date = new DateOnly(y10, m10, d10);
                return i;
            }
        }
        return -1;
    }

    private static int? Num(string s, int digits)
    {
        if (s.Length != digits) return null;
        int v = 0;
        foreach (char c in s)
        {
            if (c is < '0' or > '9') return null;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static bool Valid(int y, int m, int d) => y is >= 1900 and <= 2199 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m);

    /// <summary>The key the store files a page's records under (to drop records the page no longer yields).</summary>
    public static string PageKey(DateOnly? date, string pagePath) => (date?.ToString("yyyy-MM-dd") ?? "-") + "|" + pagePath;

    /// <summary>"p" + 16 hex digits of SHA-256 over the page's date and path, the kind and the place on the page.</summary>
    public static string MakeId(DateOnly? date, string pagePath, ArticleKind kind, string place) =>
        Hash('p', $"2\n{date?.ToString("yyyy-MM-dd")}\n{pagePath}\n{KindChar(kind)}\n{Squeeze(place, 200)}");

    /// <summary>
    /// The id the first scheme gave (file name, kind, first 64 non-space characters of the title or text), kept to find
    /// and replace such rows when their page is ingested again.
    /// </summary>
    public static string LegacyId(string fileName, ArticleKind kind, string key)
    {
        var name = fileName.Length > 512 ? fileName[..512] : fileName;
        return Hash('p', $"{name}\n{KindChar(kind)}\n{Squeeze(key, 64)}");
    }

    private static char KindChar(ArticleKind kind) => kind switch { ArticleKind.Notice => 'n', ArticleKind.Continuation => 'c', _ => 'a' };

    /// <summary>The first <paramref name="max"/> non-space characters.</summary>
    private static string Squeeze(string s, int max)
    {
        var sb = new StringBuilder(Math.Min(s.Length, max));
        foreach (char c in s)
        {
            if (char.IsWhiteSpace(c) || c is '\uFEFF' or '\u200B') continue;
            sb.Append(c);
            if (sb.Length == max) break;
        }
        return sb.ToString();
    }

    private static string Hash(char prefix, string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return prefix + Convert.ToHexStringLower(hash[..8]);
    }
}
