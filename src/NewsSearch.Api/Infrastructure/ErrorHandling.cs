using Microsoft.AspNetCore.Diagnostics;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Infrastructure;

/// <summary>
/// Turns the engine's input errors into RFC 9457 problem details (400), and anything else into a 500 problem
/// without internals. Endpoints validate first; this is the safety net for errors raised deeper down.
/// </summary>
public sealed class InputErrorHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            QueryParseException q => (400, "Invalid query", q.Message),
            ArgumentException a => (400, "Invalid request", a.Message),
            BadHttpRequestException b => (b.StatusCode, "Bad request", b.Message),
            _ => (500, "Internal error", "The server failed to handle the request; see the server log."),
        };
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
