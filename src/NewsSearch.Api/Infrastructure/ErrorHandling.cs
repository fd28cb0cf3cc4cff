using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using NewsSearch.Core.Search;

namespace NewsSearch.Api.Infrastructure;

/// <summary>Thrown when a request needs the engine before it is open (startup, first build, analysis-change rebuild).</summary>
public sealed class IndexUnavailableException(string message) : Exception(message);

/// <summary>
/// Every error is RFC 9457 problem details with a stable `code` and a `traceId`. Known exception types map to
/// their status; anything else (an ArgumentException from deep code included) is a 500 that is logged with its
/// trace id and tells the caller nothing internal.
/// </summary>
public sealed class ErrorHandling(IProblemDetailsService problems, ILogger<ErrorHandling> logger) : IExceptionHandler
{
    public static string TraceId(HttpContext http) => Activity.Current?.Id ?? http.TraceIdentifier;

    /// <summary>Adds `traceId` to every problem and a `code` to those nobody named one for.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var p = context.ProblemDetails;
        p.Extensions["traceId"] = TraceId(context.HttpContext);
        if (!p.Extensions.ContainsKey("code"))
            p.Extensions["code"] = ProblemCodes.ForStatus(p.Status ?? context.HttpContext.Response.StatusCode);
    }

    /// <summary>"Failed to bind parameter "Nullable&lt;int&gt; Page" from "abc"." becomes "'abc' is not a valid value for page."</summary>
    private static string BindingMessage(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "^Failed to bind parameter \"[^\"]* (\\w+)\" from \"(.*)\"\\.$");
        return m.Success ? $"'{m.Groups[2].Value}' is not a valid value for {char.ToLowerInvariant(m.Groups[1].Value[0])}{m.Groups[1].Value[1..]}." : message;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, title, detail) = exception switch
        {
            SearchRequestException s => (400, s.Code, "Invalid search request", s.Message),
            QueryParseException q => (400, ProblemCodes.InvalidQuery, "Invalid query", q.Message),
            IndexUnavailableException u => (503, ProblemCodes.IndexUnavailable, "Index unavailable", u.Message),
            BadHttpRequestException { StatusCode: 413 } => (413, ProblemCodes.PayloadTooLarge, "Payload too large", "The request body is larger than this endpoint takes."),
            BadHttpRequestException { StatusCode: 415 } b => (415, ProblemCodes.UnsupportedMediaType, "Unsupported media type", b.Message),
            BadHttpRequestException b when b.StatusCode < 500 => (b.StatusCode, b.StatusCode == 400 ? ProblemCodes.InvalidParameter : ProblemCodes.ForStatus(b.StatusCode), "Bad request", BindingMessage(b.Message)),
            _ => (500, ProblemCodes.InternalError, "Internal error", "The server failed to handle the request; report the traceId to the operators."),
        };
        if (status >= 500 && status != 503)
            logger.LogError(exception, "Request {Method} {Path} failed (traceId {TraceId})", http.Request.Method, http.Request.Path, TraceId(http));
        if (status == 503) http.Response.Headers.RetryAfter = "5";
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}

/// <summary>
/// The URL and header limits, checked by the application so that going over them is a problem response (414,
/// 431) rather than Kestrel's bare status line; Kestrel's own limits are set above these (see
/// <see cref="KestrelRequestLineBytes"/>). A 1,000-character Chinese query is about 9 KB percent-encoded.
/// </summary>
public static class RequestLimits
{
    public const int MaxUrlBytes = 16 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;
    public const int KestrelRequestLineBytes = 256 * 1024;
    public const int KestrelHeaderBytes = 256 * 1024;

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Features.Get<IHttpRequestFeature>();
        int urlLength = request?.RawTarget is { Length: > 0 } raw ? raw.Length : http.Request.Path.Value!.Length + http.Request.QueryString.Value!.Length;
        if (urlLength > MaxUrlBytes)
        {
            await Write(http, 414, ProblemCodes.UriTooLong, "URI too long",
                $"The request target has {urlLength:N0} bytes; at most {MaxUrlBytes:N0} are accepted (a query has at most {SearchRequest.MaxQueryLength} characters).");
            return;
        }
        long headerBytes = 0;
        foreach (var h in http.Request.Headers) headerBytes += h.Key.Length + h.Value.ToString().Length + 4;
        if (headerBytes > MaxHeaderBytes)
        {
            await Write(http, 431, ProblemCodes.HeadersTooLarge, "Request headers too large",
                $"The request headers have {headerBytes:N0} bytes; at most {MaxHeaderBytes:N0} are accepted.");
            return;
        }
        await next(http);
    });

    private static async Task Write(HttpContext http, int status, string code, string title, string detail)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
