using Microsoft.AspNetCore.Http.HttpResults;

namespace NewsSearch.Api.Infrastructure;

/// <summary>RFC 9457 problem results with a title that says what is wrong and a detail that says how to fix it.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail, extensions: extensions);

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
