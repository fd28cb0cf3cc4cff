namespace NewsSearch.Core.Search;

/// <summary>
/// The optional recency boost, a rescoring of the best hits from each hit's score and its published day
/// (<see cref="EngineHit.Day"/>), so it is the same on every engine: score × (1 + weight · 2^(−age / halfLife)),
/// age = days from publication to today (0 for a date in the future), no boost for an unknown date. Re-sorted by
/// the new score, ties by article id (<see cref="IdOrder"/>).
/// </summary>
public static class RecencyBoost
{
    /// <summary>The multiplier for a hit published <paramref name="ageDays"/> days ago.</summary>
    public static float Factor(long ageDays, double halfLifeDays, float weight) =>
        (float)(1.0 + weight * Math.Pow(2.0, -Math.Max(0, ageDays) / halfLifeDays));

    /// <summary>Rescored and re-sorted copy of <paramref name="hits"/> (days since 1970-01-01, long.MinValue when
    /// unknown); an explained hit gets the factor added to its explanation.</summary>
    public static EngineHit[] Rescore(IReadOnlyList<EngineHit> hits, long today, double halfLifeDays, float weight)
    {
        var result = new EngineHit[hits.Count];
        for (int i = 0; i < hits.Count; i++)
        {
            var h = hits[i];
            if (h.Day == long.MinValue)
            {
                result[i] = h;
                continue;
            }
            float factor = Factor(today - h.Day, halfLifeDays, weight);
            result[i] = h with
            {
                Score = h.Score * factor,
                Explanation = h.Explanation is not { } e ? null : new Explanation(e.Match, e.Value * factor,
                    "recency boost: score × (1 + w · 2^(−age / half-life))",
                    [e, Explanation.Leaf(factor, $"factor: age {Math.Max(0, today - h.Day)} days, half-life {halfLifeDays} days, w {weight}")]),
            };
        }
        Array.Sort(result, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : IdOrder.Compare(a.Id, b.Id));
        return result;
    }

    /// <summary>Days since 1970-01-01 of a date (the published doc value's unit).</summary>
    public static long DayNumber(DateOnly date) => date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
}
