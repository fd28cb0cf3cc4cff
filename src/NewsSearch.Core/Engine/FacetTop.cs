namespace NewsSearch.Core.Engine;

/// <summary>Shared by every engine, so facets read the same: values, their order, the month format.</summary>
public static class FacetTop
{
    /// <summary>The <paramref name="size"/> values with the highest counts; equal counts by value in
    /// <see cref="IdOrder"/> (code point order).</summary>
    public static IReadOnlyList<FacetValue> Select(IEnumerable<(string Value, long Count)> counts, int size)
    {
        var all = counts.Where(c => c.Count > 0).ToList();
        all.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : IdOrder.Compare(a.Value, b.Value));
        return all.Take(Math.Max(0, size)).Select(c => new FacetValue(c.Value, c.Count)).ToArray();
    }

    /// <summary>The month facet value: "yyyy-MM".</summary>
    public static string Month(int year, int month) => $"{year:D4}-{month:D2}";

    /// <summary>The month facet value of a publication day (days since 1970-01-01).</summary>
    public static string MonthOfDay(long day)
    {
        var d = Index.ArticleDocuments.DateOfDay(day);
        return Month(d.Year, d.Month);
    }
}
