namespace NewsSearch.Core.Search;

/// <summary>
/// The optional recency boost, as a rescoring of the best hits that any engine can reproduce from a hit's score and
/// its published day: score × (1 + weight · 2^(−age / halfLife)), age = days from publication to today (0 for a
/// date in the future), no boost for an unknown date. Re-sorted by the new score, ties by doc id.
/// </summary>
public static class RecencyBoost
{
    /// <summary>The multiplier for a hit published <paramref name="ageDays"/> days ago.</summary>
    public static float Factor(long ageDays, double halfLifeDays, float weight) =>
        (float)(1.0 + weight * Math.Pow(2.0, -Math.Max(0, ageDays) / halfLifeDays));

    /// <summary>Rescored and re-sorted copy of <paramref name="hits"/>. <paramref name="publishedDay"/> gives a
    /// hit's day (days since 1970-01-01) or null when unknown.</summary>
    public static ScoreDoc[] Rescore(ReadOnlySpan<ScoreDoc> hits, Func<int, long?> publishedDay, long today,
        double halfLifeDays, float weight)
    {
        var result = new ScoreDoc[hits.Length];
        for (int i = 0; i < hits.Length; i++)
        {
            long? day = publishedDay(hits[i].Doc);
            float score = day is { } d ? hits[i].Score * Factor(today - d, halfLifeDays, weight) : hits[i].Score;
            result[i] = new ScoreDoc(hits[i].Doc, score);
        }
        Array.Sort(result, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        return result;
    }

    /// <summary>Days since 1970-01-01 of a date (the published doc value's unit).</summary>
    public static long DayNumber(DateOnly date) => date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
}
