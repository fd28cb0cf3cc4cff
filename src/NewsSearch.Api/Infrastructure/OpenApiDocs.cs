using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace NewsSearch.Api.Infrastructure;

/// <summary>The shape of every error body (RFC 9457 problem details plus NewsSearch's members).</summary>
public sealed record ApiProblem(
    [property: Description("A URI reference naming the problem type (RFC 9110 section for the status)")] string? Type,
    [property: Description("What is wrong, in a few words")] string Title,
    [property: Description("The HTTP status code")] int Status,
    [property: Description("How to fix it")] string? Detail,
    [property: Description("Stable machine-readable code, e.g. invalid_query, query_too_long, missing_api_key, not_found, index_unavailable")] string Code,
    [property: Description("The request's trace id, also in the server log")] string TraceId,
    [property: Description("invalid_query: 0-based UTF-16 index of the problem in q, when known")] int? Position = null,
    [property: Description("reindex_already_running / ingest_already_running: URL of the running job")] string? Job = null,
    [property: Description("payload_too_large: the body limit in bytes")] long? Limit = null,
    [property: Description("invalid_articles: the records refused, by line")] IReadOnlyList<ArticleRejection>? Rejected = null);

/// <summary>A record POST /api/v1/articles refused: its line in the body, the field, and why.</summary>
public sealed record ArticleRejection(int Line, string Field, string Reason);

/// <summary>OpenAPI conventions: problem responses, examples, the API key scheme, tags, servers and license.</summary>
public static class OpenApiDocs
{
    public const string ProblemContentType = "application/problem+json";
    public const string ApiKeyScheme = "ApiKey";
    public const string DefaultServer = "http://127.0.0.1:5080";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Search"] = "Ranked (BM25), highlighted full-text search over the stored articles.",
        ["Articles"] = "Read, create, replace and take down articles. Writes go to the article store first and are searchable after the next index refresh (within a second).",
        ["Analysis"] = "How the Chinese analysis cuts text into the terms the index holds.",
        ["Admin"] = "Background jobs (reindex, ingest of the import folder) and index statistics. Every admin operation needs the API key.",
        ["Health"] = "Liveness and readiness for load balancers and orchestration.",
    };

    /// <summary>Declares problem+json responses (<see cref="ApiProblem"/>) for the given statuses.</summary>
    public static TBuilder ProducesApiProblem<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (int status in statuses)
            builder.WithMetadata(new ProblemResponse(status));
        return builder;
    }

    /// <summary>The problems any operation can answer with: request target or headers over the limits, and a server error.</summary>
    public static TBuilder WithCommonProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesApiProblem(StatusCodes.Status414RequestUriTooLong, StatusCodes.Status431RequestHeaderFieldsTooLarge,
            StatusCodes.Status500InternalServerError);

    /// <summary>An example for the response of <paramref name="status"/> (serialized as the API serializes it).</summary>
    public static RouteHandlerBuilder WithResponseExample(this RouteHandlerBuilder builder, int status, object example) =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(), out var response) == true && response.Content is { } content)
                foreach (var media in content.Values) media.Example = ToNode(example, context.ApplicationServices);
            return Task.CompletedTask;
        });

    /// <summary>An example request body for <paramref name="contentType"/>: an object, or a string for NDJSON.</summary>
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, string[] contentTypes, object example)
    {
        foreach (var type in contentTypes) builder.WithRequestExample(type, example);
        return builder;
    }

    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, string contentType, object example) =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue(contentType, out var media) == true)
            {
                if (example is string text)
                {
                    // A text body (NDJSON): one JSON article per line, not one JSON value.
                    media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One JSON article (ArticleInput) per line, UTF-8." };
                    media.Example = JsonValue.Create(text);
                }
                else media.Example = ToNode(example, context.ApplicationServices);
            }
            return Task.CompletedTask;
        });

    /// <summary>Example values for query or path parameters.</summary>
    public static RouteHandlerBuilder WithParameterExamples(this RouteHandlerBuilder builder, params (string Name, object Value)[] examples) =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            foreach (var p in operation.Parameters ?? [])
                foreach (var (name, value) in examples)
                    if (p.Name == name && p is OpenApiParameter concrete) concrete.Example = ToNode(value, context.ApplicationServices);
            return Task.CompletedTask;
        });

    private static JsonNode? ToNode(object value, IServiceProvider services) =>
        JsonSerializer.SerializeToNode(value, value.GetType(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);

    private sealed record ProblemResponse(int StatusCode) : Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata
    {
        public Type? Type => typeof(ApiProblem);
        public IEnumerable<string> ContentTypes => [ProblemContentType];
        public string? Description => null;
    }

    public static void Configure(OpenApiOptions o)
    {
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "NewsSearch API";
            doc.Info.Version = "v1";
            doc.Info.Description = "Full-text search over a Chinese city newspaper's articles: search, read and write articles, "
                + "run reindex and ingest jobs. Errors are RFC 9457 problem details (application/problem+json) with a stable `code` "
                + "and a `traceId`. Writes and admin need the API key in the X-Api-Key header; reads are open unless the server "
                + "is started with NewsSearch:RequireKeyForReads.";
            doc.Info.License = new OpenApiLicense { Name = "Proprietary: for the newspaper's own use", Identifier = "LicenseRef-Proprietary" };
            doc.Servers = [new OpenApiServer { Url = DefaultServer, Description = "`newssearch serve` on its default address" }];
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeys.HeaderName,
                Description = "The server's API key (from NEWSSEARCH_API_KEY or `serve --api-key-file`).",
            };
            doc.Tags = new HashSet<OpenApiTag>(TagDescriptions.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            // Keyed operations require the scheme; reads accept it optionally ({} = anonymous); the rest are open.
            var requirement = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiKeyRequirement>().LastOrDefault();
            var keyed = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] };
            operation.Security = requirement switch
            {
                { Always: true } => [keyed],
                { Always: false } => [new OpenApiSecurityRequirement(), keyed],
                null => [new OpenApiSecurityRequirement()],
            };
            return Task.CompletedTask;
        });
    }
}
