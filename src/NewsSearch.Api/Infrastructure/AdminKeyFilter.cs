using Microsoft.Extensions.Options;

namespace NewsSearch.Api.Infrastructure;

/// <summary>
/// The admin route group's policy: with an admin key configured, callers present it in X-Admin-Key;
/// without one, only callers on this machine (loopback) may use admin endpoints.
/// </summary>
public sealed class AdminKeyFilter(IOptions<NewsSearchOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Admin-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string? key = options.Value.AdminKey;
        bool allowed = string.IsNullOrEmpty(key)
            ? http.Connection.RemoteIpAddress is null || System.Net.IPAddress.IsLoopback(http.Connection.RemoteIpAddress)
            : http.Request.Headers.TryGetValue(HeaderName, out var given) && given.ToString() == key;
        if (!allowed)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: string.IsNullOrEmpty(key)
                    ? "Admin endpoints accept only local callers unless an admin key is configured (--admin-key)."
                    : $"Admin endpoints need the {HeaderName} header with the configured key.");
        return await next(context);
    }
}
