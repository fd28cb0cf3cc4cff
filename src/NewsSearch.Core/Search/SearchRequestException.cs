namespace NewsSearch.Core.Search;

/// <summary>
/// A search request the engine refuses (empty or too long query, paging out of range), with a stable
/// machine-readable <see cref="Code"/> the API puts in its problem details. Derives from ArgumentException so
/// callers that catch that keep working; the API maps this type by name, never ArgumentException as such.
/// </summary>
public sealed class SearchRequestException(string code, string message) : ArgumentException(message)
{
    public const string MissingQuery = "missing_query";
    public const string QueryTooLong = "query_too_long";
    public const string InvalidParameter = "invalid_parameter";
    public const string PageOutOfRange = "page_out_of_range";

    public string Code { get; } = code;
}
