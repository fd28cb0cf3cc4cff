namespace NewsSearch.Core.Ingest;

/// <summary>What a dateline said, before the year is known.</summary>
internal readonly record struct Dateline(int Month, int Day, int? ExplicitYear, int YearOffset, int DayOffset, bool PageRelative, string Text)
{
    /// <summary>Resolves against a year (for month/day datelines) or a page date (for 近日, 昨天 …).</summary>
    public DateOnly? Resolve(int? year, DateOnly? pageDate)
    {
        if (PageRelative) return pageDate?.AddDays(DayOffset);
        int? y = ExplicitYear ?? (year + YearOffset);
        if (y is not { } yy || yy < 1 || yy > 9999 || Month is < 1 or > 12) return null;
        if (Day < 1 || Day > DateTime.DaysInMonth(yy, Month)) return null;
        return new DateOnly(yy, Month, Day);
    }
}

internal static class Datelines
{
    /// <summary>How far into a lead paragraph a dateline may sit (after a quoted opening, say).</summary>
    public const int SearchWindow = 90;

    private static readonly (string Word, int DayOffset)[] RelativeWords =
        [("近日", 0), ("日前", 0), ("近期", 0), ("昨天", -1), ("昨日", -1), ("前天", -2), ("今天", 0), ("今日", 0)];

    /// <summary>The first dateline in the first <see cref="SearchWindow"/> characters of a lead.</summary>
    public static Dateline? Find(ReadOnlySpan<char> lead)
    {
        if (lead.Length > SearchWindow) lead = lead[..SearchWindow];
        int relPos = int.MaxValue; (string Word, int DayOffset) rel = default;
        foreach (var w in RelativeWords)
        {
            int p = lead.IndexOf(w.Word, StringComparison.Ordinal);
            if (p >= 0 && p < relPos) { relPos = p; rel = w; }
        }
        for (int i = 0; i < lead.Length && i < relPos; i++)
        {
            if (lead[i] != '月') continue;
            // digits before 月
            int ms = i;
            while (ms > 0 && IsAsciiDigit(lead[ms - 1]) && i - ms < 2) ms--;
            if (ms == i) continue;
            if (ms > 0 && IsAsciiDigit(lead[ms - 1])) continue;
            int de = i + 1;
            while (de < lead.Length && IsAsciiDigit(lead[de]) && de - i <= 2) de++;
            if (de == i + 1 || de >= lead.Length || lead[de] != '日') continue;
            int month = int.Parse(lead[ms..i]);
            int day = int.Parse(lead[(i + 1)..de]);
            int? explicitYear = null; int yearOffset = 0; int textStart = ms;
            if (ms >= 5 && lead[ms - 1] == '年' && IsAsciiDigit(lead[ms - 2]) && IsAsciiDigit(lead[ms - 5]))
            {
                explicitYear = int.Parse(lead[(ms - 5)..(ms - 1)]);
                textStart = ms - 5;
            }
            else if (ms >= 2)
            {
                var before = lead[(ms - 2)..ms];
                if (before is "去年") { yearOffset = -1; textStart = ms - 2; }
                else if (before is "前年") { yearOffset = -2; textStart = ms - 2; }
                else if (before is "今年") { textStart = ms - 2; }
            }
            return new Dateline(month, day, explicitYear, yearOffset, 0, false, lead[textStart..(de + 1)].ToString());
        }
        if (relPos != int.MaxValue) return new Dateline(0, 0, null, 0, rel.DayOffset, true, rel.Word!);
        return null;
    }

    /// <summary>
    /// The page's year from the text itself: the latest year of a full date (2026年1月4日), else the most frequent
    /// plausible year (2025年); null when the page names none.
    /// </summary>
    public static int? YearFromText(ReadOnlySpan<char> text)
    {
        int latestFull = 0;
        Span<int> counts = stackalloc int[200]; // 1950..2149
        counts.Clear();
        int from = 0;
        while (true)
        {
            int k = text[from..].IndexOf('年');
            if (k < 0) break;
            int p = from + k;
            from = p + 1;
            if (p < 4 || !IsAsciiDigit(text[p - 1]) || !IsAsciiDigit(text[p - 2]) || !IsAsciiDigit(text[p - 3]) || !IsAsciiDigit(text[p - 4])) continue;
            if (p >= 5 && IsAsciiDigit(text[p - 5])) continue;
            int y = (text[p - 4] - '0') * 1000 + (text[p - 3] - '0') * 100 + (text[p - 2] - '0') * 10 + (text[p - 1] - '0');
            if (y < 1950 || y >= 2150) continue;
            counts[y - 1950]++;
            // full date: 年 digits 月 digits 日
            int q = p + 1, n = 0;
            while (q < text.Length && IsAsciiDigit(text[q]) && n < 2) { q++; n++; }
            if (n > 0 && q < text.Length && text[q] == '月')
            {
                int r = q + 1, m = 0;
                while (r < text.Length && IsAsciiDigit(text[r]) && m < 2) { r++; m++; }
                if (m > 0 && r < text.Length && text[r] == '日' && y > latestFull) latestFull = y;
            }
        }
        if (latestFull > 0) return latestFull;
        int best = -1, bestCount = 0;
        for (int i = 0; i < counts.Length; i++)
            if (counts[i] > bestCount || (counts[i] == bestCount && bestCount > 0 && i > best)) { best = i; bestCount = counts[i]; }
        return best >= 0 ? 1950 + best : null;
    }

    private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';
}
