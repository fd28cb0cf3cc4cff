namespace NewsSearch.Core.Ingest;

/// <summary>A byline found at the start of a paragraph or on a line of its own.</summary>
internal sealed record Byline(string Source, List<string> Reporters, List<string> Correspondents, string Rest);

/// <summary>
/// Bylines as Chinese papers print them: <c>云溪日报(全媒体记者/林晓 通讯员/贺明远) 3月2日,…</c>, <c>本报讯(记者 张三)</c>,
/// <c>新华社北京5月30日电(记者 …)</c>, <c>云溪日报全媒体记者/温静</c> on its own line, <c>本报讯 …</c> without names.
/// </summary>
internal static class Bylines
{
    // Longest first, so 全媒体记者 wins over 记者.
    private static readonly string[] ReporterRoles =
        ["全媒体记者", "融媒体记者", "摄影记者", "见习记者", "实习记者", "特约记者", "首席记者", "本报记者", "记者"];
    private static readonly string[] CorrespondentRoles = ["特约通讯员", "通讯员", "实习生"];
    private static readonly string[] AllRoles = [.. ReporterRoles, .. CorrespondentRoles];

    /// <summary>Byline at the start of a paragraph: source, then the people in brackets, then the lead.</summary>
    public static Byline? ParseLeading(ReadOnlySpan<char> s)
    {
        int open = -1;
        int limit = Math.Min(s.Length, 28);
        for (int i = 0; i < limit; i++)
        {
            char c = s[i];
            if (c is '(' or '（') { open = i; break; }
            if (c is '，' or ',' or '。' or '“' or '"' or ':' or '：') break;
        }
        if (open >= 0)
        {
            var src = s[..open].Trim();
            if (src.Length == 0 || IsSourceEnd(src[^1]))
            {
                int close = s[(open + 1)..].IndexOfAny(')', '）');
                if (close >= 0) close += open + 1;
                if (close > open && close - open <= 90)
                {
                    var who = s.Slice(open + 1, close - open - 1);
                    if (who.Contains("记者", StringComparison.Ordinal) || who.Contains("通讯员", StringComparison.Ordinal)
                        || who.Contains("实习生", StringComparison.Ordinal))
                    {
                        var b = new Byline(src.ToString(), [], [], s[(close + 1)..].Trim().ToString());
                        ParsePeople(who, b.Reporters, b.Correspondents);
                        return b;
                    }
                }
            }
        }
        // 本报讯 / 云溪日报讯 followed by a space: a byline without names.
        int xun = s[..Math.Min(s.Length, 13)].IndexOf('讯');
        if (xun is >= 1 and <= 12 && xun + 1 < s.Length && char.IsWhiteSpace(s[xun + 1])
            && (s[..xun].EndsWith("报") || s[..xun].EndsWith("社") || s[..xun].EndsWith("台"))
            && IsPlainName(s[..xun]))
            return new Byline(s[..(xun + 1)].ToString(), [], [], s[(xun + 1)..].Trim().ToString());
        return null;
    }

    /// <summary>A line that is only a byline: <c>云溪日报全媒体记者/温静</c>, <c>本报记者 张三 李四</c>.</summary>
    public static Byline? ParseOwnLine(ReadOnlySpan<char> s)
    {
        if (s.Length > 40 || !(s.Contains("记者", StringComparison.Ordinal) || s.Contains("通讯员", StringComparison.Ordinal)
            || s.Contains("实习生", StringComparison.Ordinal))) return null;
        int best = -1;
        foreach (var role in AllRoles)
        {
            int i = s.IndexOf(role.AsSpan(), StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        if (best < 0) return null;
        var src = s[..best].Trim();
        if (src.Length > 0 && (!IsSourceEnd(src[^1]) || !IsPlainName(src))) return null;
        var b = new Byline(src.ToString(), [], [], "");
        if (!ParsePeople(s[best..], b.Reporters, b.Correspondents, strict: true)) return null;
        return b.Reporters.Count + b.Correspondents.Count > 0 ? b : null;
    }

    private static bool IsSourceEnd(char c) => c is '报' or '讯' or '电' or '社' or '台' or '网';

    private static bool IsPlainName(ReadOnlySpan<char> s)
    {
        foreach (char c in s) if (!char.IsLetterOrDigit(c)) return false;
        return true;
    }

    /// <summary>
    /// Splits "全媒体记者/王娜 通讯员/谢军 罗丹" into reporters and correspondents. With <paramref name="strict"/>,
    /// anything that is not a role or a plausible name makes the whole text not a byline.
    /// </summary>
    public static bool ParsePeople(ReadOnlySpan<char> who, List<string> reporters, List<string> correspondents, bool strict = false)
    {
        List<string> current = reporters;
        int i = 0;
        while (i < who.Length)
        {
            while (i < who.Length && IsSeparator(who[i])) i++;
            int start = i;
            while (i < who.Length && !IsSeparator(who[i])) i++;
            var token = who[start..i];
            while (token.Length > 0)
            {
                string? role = StartsWithRole(token, ReporterRoles) ?? StartsWithRole(token, CorrespondentRoles);
                if (role is null) break;
                current = Array.IndexOf(ReporterRoles, role) >= 0 ? reporters : correspondents;
                token = token[role.Length..];
            }
            if (token.Length == 0) continue;
            if (token.Length is >= 2 and <= 6 && IsNameToken(token)) current.Add(token.ToString());
            else if (token is "本报" or "新华社" or "等") { }
            else if (strict) return false;
        }
        return true;
    }

    private static string? StartsWithRole(ReadOnlySpan<char> token, string[] roles)
    {
        foreach (var r in roles) if (token.StartsWith(r, StringComparison.Ordinal)) return r;
        return null;
    }

    private static bool IsSeparator(char c) =>
        char.IsWhiteSpace(c) || c is '/' or '／' or '、' or ',' or '，' or ':' or '：' or ';' or '；';

    private static bool IsNameToken(ReadOnlySpan<char> t)
    {
        foreach (char c in t) if (!(char.IsLetter(c) || c is '·' or '•')) return false;
        return true;
    }
}
