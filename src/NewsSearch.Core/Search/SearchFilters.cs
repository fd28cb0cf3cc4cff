using NewsSearch.Core.Index;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Search;

/// <summary>
/// A request's filters, sort and facets: parsed from their API/CLI spellings, validated with messages a caller
/// can act on, and turned into the engine-neutral non-scoring filter every engine runs.
/// </summary>
public static class SearchFilters
{
    public static readonly string[] SortNames = ["relevance", "newest", "oldest"];

    public static readonly string[] FacetNames = ["month", "author", "section"];

    public static readonly string[] KindNames =
        [ArticleDocuments.KindValue(ArticleKind.Article), ArticleDocuments.KindValue(ArticleKind.Continuation), ArticleDocuments.KindValue(ArticleKind.Notice)];

    /// <summary>"relevance" (or empty), "newest" or "oldest"; <see cref="ArgumentException"/> otherwise.</summary>
    public static HitOrder ParseSort(string? sort) => sort?.Trim().ToLowerInvariant() switch
    {
        null or "" or "relevance" => HitOrder.Relevance,
        "newest" => HitOrder.Newest,
        "oldest" => HitOrder.Oldest,
        _ => throw new SearchRequestException(SearchRequestException.InvalidParameter, $"Unknown sort '{sort}': use one of {string.Join(", ", SortNames)}."),
    };

    /// <summary>Comma-separated facet names (month, author, section); <see cref="ArgumentException"/> for others.</summary>
    public static FacetFields ParseFacets(string? facets)
    {
        var result = FacetFields.None;
        if (string.IsNullOrWhiteSpace(facets)) return result;
        foreach (var raw in facets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            result |= raw.ToLowerInvariant() switch
            {
                "month" => FacetFields.Month,
                "author" => FacetFields.Author,
                "section" => FacetFields.Section,
                _ => throw new SearchRequestException(SearchRequestException.InvalidParameter, $"Unknown facet '{raw}': use any of {string.Join(", ", FacetNames)}, comma-separated."),
            };
        }
        return result;
    }

    /// <summary>A yyyy-MM-dd day; <see cref="ArgumentException"/> naming the parameter otherwise.</summary>
    public static DateOnly? ParseDay(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var d)) return d;
        throw new SearchRequestException(SearchRequestException.InvalidParameter, $"{name} must be a day like 2026-05-30 (got '{value}').");
    }

    public static void Validate(SearchRequest request)
    {
        if (request.From is { } from && request.To is { } to && from > to)
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"from ({from:yyyy-MM-dd}) is after to ({to:yyyy-MM-dd}).");
        if (request.Author is { } a && a.Trim().Length == 0) throw new SearchRequestException(SearchRequestException.InvalidParameter, "author must not be blank.");
        if (request.Section is { } s && s.Trim().Length == 0) throw new SearchRequestException(SearchRequestException.InvalidParameter, "section must not be blank.");
        if (request.Kind is { } k && !KindNames.Contains(k.Trim().ToLowerInvariant()))
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"Unknown kind '{k}': use one of {string.Join(", ", KindNames)}.");
        if (!Enum.IsDefined(request.Sort)) throw new SearchRequestException(SearchRequestException.InvalidParameter, $"Unknown sort {request.Sort}.");
        if ((request.Facets & ~(FacetFields.Month | FacetFields.Author | FacetFields.Section)) != 0)
            throw new SearchRequestException(SearchRequestException.InvalidParameter, $"Unknown facets {request.Facets}.");
    }

    /// <summary>The request's filters as one non-scoring conjunction, or null when it has none.</summary>
    public static Query? Build(SearchRequest request)
    {
        var clauses = new List<BooleanClause>();
        if (request.From is not null || request.To is not null)
        {
            long lo = request.From is { } f ? ArticleDocuments.DayOf(f) : long.MinValue + 1;
            long hi = request.To is { } t ? ArticleDocuments.DayOf(t) : long.MaxValue;
            clauses.Add(new BooleanClause(new NumericRangeQuery(NewsFields.PublishedDay, lo, hi), Occur.Filter));
        }
        if (request.Author is { } author)
            clauses.Add(new BooleanClause(new KeywordQuery(NewsFields.Author, author.Trim()), Occur.Filter));
        if (request.Section is { } section)
            clauses.Add(new BooleanClause(new KeywordQuery(NewsFields.Section, section.Trim()), Occur.Filter));
        if (request.Kind is { } kind)
            clauses.Add(new BooleanClause(new KeywordQuery(ArticleDocuments.KindField, kind.Trim().ToLowerInvariant(), docValuesOnly: true), Occur.Filter));
        return clauses.Count switch
        {
            0 => null,
            1 => clauses[0].Query,
            _ => new BooleanQuery(clauses),
        };
    }

    /// <summary>The response's facets, keyed by their API names; null when none was asked for.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<FacetValue>>? FacetsOf(SearchRequest request, EngineSearchResult result)
    {
        if (request.Facets == FacetFields.None) return null;
        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>(StringComparer.Ordinal);
        foreach (var (field, name) in new[] { (FacetFields.Month, "month"), (FacetFields.Author, "author"), (FacetFields.Section, "section") })
            if ((request.Facets & field) != 0)
                facets[name] = result.Facets.TryGetValue(field, out var values) ? values : [];
        return facets;
    }
}
