using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace NewsSearch.Api.Infrastructure;

/// <summary>The API key could not be loaded (unreadable, empty or too short key file or variable); the host does not start.</summary>
public sealed class ApiKeyConfigurationException(string message) : InvalidOperationException(message);

/// <summary>
/// The one API key of the host, from (first found) the key file (`--api-key-file` / NewsSearch:ApiKeyFile), the
/// NEWSSEARCH_API_KEY environment variable, or NewsSearch:ApiKey in configuration; never from argv, so it does
/// not show in `ps`. Only the SHA-256 of the key is kept, and a presented key is compared by hashing it and
/// comparing the two hashes in constant time, so neither the length nor a prefix of the key leaks through timing.
/// </summary>
public sealed class ApiKeys
{
    public const string HeaderName = "X-Api-Key";
    public const string EnvironmentVariable = "NEWSSEARCH_API_KEY";
    public const int MinLength = 16;

    private readonly byte[]? _hash;

    public ApiKeys(IOptions<NewsSearchOptions> options)
    {
        var o = options.Value;
        string? key = null;
        if (!string.IsNullOrWhiteSpace(o.ApiKeyFile))
        {
            try { key = File.ReadLines(o.ApiKeyFile).FirstOrDefault()?.Trim(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ApiKeyConfigurationException($"cannot read the API key file {o.ApiKeyFile}: {e.Message}");
            }
            if (string.IsNullOrEmpty(key)) throw new ApiKeyConfigurationException($"the API key file {o.ApiKeyFile} is empty");
            Source = "key file";
        }
        else if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            key = env.Trim();
            Source = EnvironmentVariable;
        }
        else if (!string.IsNullOrEmpty(o.ApiKey))
        {
            key = o.ApiKey.Trim();
            Source = "configuration";
        }
        if (key is null) return;
        if (key.Length < MinLength)
            throw new ApiKeyConfigurationException($"the API key from the {Source} has {key.Length} characters; use at least {MinLength}");
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    public bool IsConfigured => _hash is not null;

    /// <summary>Where the key came from (for the startup log; never the key).</summary>
    public string? Source { get; }

    public bool Matches(string presented)
    {
        if (_hash is null) return false;
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), given);
        return CryptographicOperations.FixedTimeEquals(given, _hash);
    }

    /// <summary>Null when the request may go on; else the problem to answer with.</summary>
    public ProblemHttpResult? Check(HttpContext http)
    {
        // No caller is trusted for where it connects from: loopback and "no remote address" need the key too.
        if (!IsConfigured)
            return Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.ApiKeyNotConfigured, "API key not configured",
                $"This endpoint needs an API key, and the server has none: start it with {EnvironmentVariable} set or with --api-key-file.");
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            http.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
            return Problems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.MissingApiKey, "API key missing",
                $"Send the API key in the {HeaderName} header.");
        }
        if (values.Count > 1 || !Matches(values[0]!))
            return Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.InvalidApiKey, "API key not valid",
                $"The key in {HeaderName} is not this server's API key.");
        return null;
    }
}

/// <summary>Marks an endpoint as keyed, for the filter and for the OpenAPI document's security requirements.</summary>
public sealed record ApiKeyRequirement(bool Always);

public static class ApiKeyPolicy
{
    /// <summary>Writes and admin: the API key is always needed.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiKeyRequirement(true))
            .ProducesApiProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden).AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<ApiKeys>().Check(context.HttpContext) ?? await next(context));

    /// <summary>Reads: open unless the host runs with NewsSearch:RequireKeyForReads.</summary>
    public static TBuilder ApiKeyForReads<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiKeyRequirement(false))
            .ProducesApiProblem(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden).AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            if (!services.GetRequiredService<IOptions<NewsSearchOptions>>().Value.RequireKeyForReads) return await next(context);
            return services.GetRequiredService<ApiKeys>().Check(context.HttpContext) ?? await next(context);
        });
}
