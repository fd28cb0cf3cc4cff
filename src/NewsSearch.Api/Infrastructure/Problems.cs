using Microsoft.AspNetCore.Http.HttpResults;

namespace NewsSearch.Api.Infrastructure;

/// <summary>The stable, machine-readable `code` of every problem the API answers with (documented in README).</summary>
public static class ProblemCodes
{
    public const string InvalidQuery = "invalid_query";
    public const string InvalidParameter = "invalid_parameter";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidId = "invalid_id";
    public const string InvalidJson = "invalid_json";
    public const string InvalidArticle = "invalid_article";
    public const string InvalidArticles = "invalid_articles";
    public const string InvalidEncoding = "invalid_encoding";
    public const string IdMismatch = "id_mismatch";
    public const string MissingText = "missing_text";
    public const string TextTooLong = "text_too_long";
    public const string MissingApiKey = "missing_api_key";
    public const string InvalidApiKey = "invalid_api_key";
    public const string ApiKeyNotConfigured = "api_key_not_configured";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string ReindexAlreadyRunning = "reindex_already_running";
    public const string IngestAlreadyRunning = "ingest_already_running";
    public const string JobNotRunning = "job_not_running";
    public const string ImportFolderNotConfigured = "import_folder_not_configured";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UriTooLong = "uri_too_long";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string HeadersTooLarge = "headers_too_large";
    public const string IndexUnavailable = "index_unavailable";
    public const string InternalError = "internal_error";

    /// <summary>The code of a problem nobody named one for (status code pages, framework errors).</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => MissingApiKey,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        414 => UriTooLong,
        415 => UnsupportedMediaType,
        431 => HeadersTooLarge,
        500 => InternalError,
        503 => IndexUnavailable,
        _ => $"http_{status}",
    };
}

/// <summary>
/// RFC 9457 problem results: a title that says what is wrong, a detail that says how to fix it, and a stable
/// `code`. The trace id is added for every problem by <see cref="ErrorHandling"/>.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        extensions ??= [];
        extensions["code"] = code;
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }

    public static ProblemHttpResult BadRequest(string code, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status400BadRequest, code, title, detail, extensions);

    public static ProblemHttpResult NotFound(string title, string detail) =>
        Create(StatusCodes.Status404NotFound, ProblemCodes.NotFound, title, detail);

    public static ProblemHttpResult Conflict(string code, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, code, title, detail, extensions);

    public static ProblemHttpResult PayloadTooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "Payload too large",
            $"The request body may have at most {limit:N0} bytes; send fewer articles per request.", new() { ["limit"] = limit });

    public static ProblemHttpResult UnsupportedMediaType(string? given, params string[] accepted) =>
        Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType, "Unsupported media type",
            $"Content-Type '{given ?? "(none)"}' is not accepted here; use {string.Join(" or ", accepted)} (UTF-8).");
}
