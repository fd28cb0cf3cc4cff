using System.Buffers;
using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using NewsSearch.Api.Infrastructure;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Search;
using NewsSearch.Core.Store;

namespace NewsSearch.Api.Endpoints;

/// <summary>Where in a page dump an article came from.</summary>
public sealed record ArticleSource(string? File, int? StartLine, int? EndLine);

/// <summary>An article as stored: the clean text the index was built from.</summary>
public sealed record ArticleResponse(
    string Id,
    [property: Description("Article, Continuation (text continued from another page) or Notice")] string Kind,
    string Title,
    string? Subtitle,
    string? Kicker,
    IReadOnlyList<string> Authors,
    IReadOnlyList<string> Reporters,
    IReadOnlyList<string> Correspondents,
    DateOnly? PublishedAt,
    [property: Description("How the date was obtained")] string? DateSource,
    string? Section,
    string? Editor,
    [property: Description("Paragraphs separated by newlines")] string Body,
    IReadOnlyList<string> Captions,
    ArticleSource Source,
    [property: Description("The store change sequence of this version")] long Sequence)
{
    /// <summary>With <c>?q=</c>: the title and the whole body HTML-escaped with &lt;mark&gt; around the matches.</summary>
    public ArticleHighlight? Highlighted { get; init; }

    public static ArticleResponse From(StoredArticle s)
    {
        var a = s.Article;
        return new(a.Id, a.Kind.ToString(), a.Title, a.Subtitle, a.Kicker, a.Authors, a.Reporters, a.Correspondents,
            a.PublishedAt, a.DateSource, a.Section, a.Editor, a.Body, a.Captions,
            new ArticleSource(a.SourceFile, a.SourceStartLine, a.SourceEndLine), s.Sequence);
    }
}

/// <summary>An article as PUT and POST take it (the fields `newssearch ingest` reads from JSON).</summary>
public sealed record ArticleInput(
    [property: Description("1 to 200 characters; for PUT, the id in the URL (may be left out of the body). Without one, POST derives it from title and date")] string? Id,
    [property: Description("Headline (required)")] string Title,
    [property: Description("Paragraphs separated by newlines (required)")] string Body,
    string? Subtitle,
    [property: Description("Reporters; a string is split at 、 , ; / and spaces")] IReadOnlyList<string>? Authors,
    [property: Description("yyyy-MM-dd or ISO 8601 (`date` is accepted too)")] string? PublishedAt,
    string? Section);

/// <summary>What a write did to one article.</summary>
public sealed record ArticleWriteResult(
    string Id,
    [property: Description("created, updated, or unchanged (same content as stored)")] string Outcome);

/// <summary>The answer to PUT /api/v1/articles/{id}.</summary>
public sealed record ArticleWriteResponse(
    string Id,
    [property: Description("created, updated, or unchanged")] string Outcome,
    [property: Description("The store sequence holding this version; searchable once /healthz/ready shows indexedSequence at least this (normally within a second)")] long Sequence);

/// <summary>The answer to POST /api/v1/articles.</summary>
public sealed record BulkWriteResponse(
    [property: Description("Records stored (created + updated + unchanged)")] int Accepted,
    int Created, int Updated, int Unchanged,
    [property: Description("Records refused, by line of the body; the others were stored")] IReadOnlyList<ArticleRejection> Rejected,
    [property: Description("Every accepted record is at or below this store sequence")] long Sequence,
    IReadOnlyList<ArticleWriteResult> Articles);

/// <summary>The answer to DELETE /api/v1/articles/{id}.</summary>
public sealed record ArticleDeleteResponse(string Id,
    [property: Description("A store sequence at or after the deletion; gone from results once indexedSequence reaches it (within a second)")] long Sequence);

public static class ArticlesApi
{
    public const string JsonType = "application/json";
    public static readonly string[] JsonLinesTypes = ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"];
    public const int MaxIdLength = 200;
    private const string SourceName = "request";

    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapGroup("/api/v1/articles").WithTags("Articles").ApiKeyForReads().WithCommonProblems()
            .ProducesApiProblem(StatusCodes.Status503ServiceUnavailable);
        reads.MapGet("/{id}", GetArticle)
            .WithName("GetArticle")
            .WithSummary("One article by id, as stored; with q, also highlighted whole")
            .WithDescription("The clean text and metadata the index was built from, with where in a page dump it came from. "
                + "With q: `highlighted` holds the title and the whole body HTML-escaped with <mark> around the matches, and their UTF-16 offsets. "
                + "400 codes: invalid_id, invalid_query, missing_query, query_too_long.")
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithParameterExamples(("id", "bike-refund"))
            .WithResponseExample(200, Examples.Article);
        reads.MapGet("/{id}/related", GetRelated)
            .WithName("GetRelatedArticles")
            .WithSummary("Articles like this one (more-like-this over title and body words)")
            .WithDescription("400 codes: invalid_id, invalid_parameter (count outside 1 to 50); 404 not_found.")
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithParameterExamples(("id", "bike-refund"));

        var writes = routes.MapGroup("/api/v1/articles").WithTags("Articles").RequireApiKey().WithCommonProblems()
            .ProducesApiProblem(StatusCodes.Status503ServiceUnavailable);
        writes.MapPut("/{id}", PutArticle)
            .WithName("PutArticle")
            .WithSummary("Create or replace one article")
            .WithDescription("Stores the article under the id in the URL (a body id must match it: id_mismatch). 201 when new, 200 when it "
                + "replaced or equalled the stored one. Searchable after the next index refresh (within a second). 400 codes: invalid_id, "
                + "invalid_json, invalid_article (a field is wrong: `rejected` says which), invalid_encoding (not UTF-8); 413 payload_too_large; "
                + "415 unsupported_media_type (use application/json).")
            .Accepts<ArticleInput>(JsonType)
            .Produces<ArticleWriteResponse>(StatusCodes.Status201Created)
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .WithParameterExamples(("id", "bike-refund"))
            .WithRequestExample(JsonType, Examples.Input)
            .WithResponseExample(200, new ArticleWriteResponse("bike-refund", "updated", 1042))
            .WithResponseExample(201, new ArticleWriteResponse("bike-refund", "created", 1042));
        writes.MapPost("/", PostArticles)
            .WithName("PostArticles")
            .WithSummary("Create or replace many articles (JSON array or NDJSON)")
            .WithDescription("application/json: an array of articles (or one); application/x-ndjson: one article per line. Each bad record "
                + "is refused with its line, field and reason, the rest are stored (200). When no record could be taken: 400 invalid_articles "
                + "(or invalid_json). The body may have at most NewsSearch:MaxBulkBodyBytes (32 MB by default): 413 payload_too_large; "
                + "other content types: 415 unsupported_media_type.")
            .Accepts<ArticleInput[]>(JsonType, JsonLinesTypes)
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .WithRequestExample(JsonType, new[] { Examples.Input })
            .WithRequestExample(JsonLinesTypes, Examples.JsonLines)
            .WithResponseExample(200, new BulkWriteResponse(2, 1, 1, 0, [new ArticleRejection(3, "body", "missing or empty")], 1044,
                [new ArticleWriteResult("rail-park", "created"), new ArticleWriteResult("bike-lane", "updated")]));
        writes.MapDelete("/{id}", DeleteArticle)
            .WithName("DeleteArticle")
            .WithSummary("Take an article down")
            .WithDescription("Deletes it from the store (a tombstone reaches the index) and from search results within a second. "
                + "404 not_found when no article has the id.")
            .ProducesApiProblem(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithParameterExamples(("id", "bike-refund"))
            .WithResponseExample(200, new ArticleDeleteResponse("bike-refund", 1045));
        return routes;
    }

    internal static Results<Ok<ArticleResponse>, ProblemHttpResult> GetArticle(
        [Description("Article id, as returned in search hits")] string id,
        [Description("A query whose matches to mark in the title and the whole body (optional)")][FromQuery(Name = "q")] string? q,
        EngineHost host)
    {
        if (InvalidId(id) is { } bad) return bad;
        var stored = host.Engine.Store.Get(id);
        if (stored is null) return Problems.NotFound("Article not found", $"No article has the id '{id}'.");
        var response = ArticleResponse.From(stored);
        if (q is null) return TypedResults.Ok(response);
        try
        {
            return TypedResults.Ok(response with { Highlighted = host.Engine.Searcher.HighlightArticle(stored.Article, q.Trim()) });
        }
        catch (QueryParseException e)
        {
            return Problems.BadRequest(ProblemCodes.InvalidQuery, "Invalid query", e.Message, e.Position >= 0 ? new() { ["position"] = e.Position } : null);
        }
        catch (SearchRequestException e)
        {
            return Problems.BadRequest(e.Code, "Invalid query", e.Message);
        }
    }

    internal static Results<Ok<RelatedResponse>, ProblemHttpResult> GetRelated(
        [Description("Article id, as returned in search hits")] string id,
        [Description($"How many related articles, 1 to 50 (default 10)")][FromQuery(Name = "count")] int? count,
        EngineHost host)
    {
        if (InvalidId(id) is { } bad) return bad;
        int n = count ?? 10;
        if (n is < 1 or > NewsSearcher.MaxRelated)
            return Problems.BadRequest(ProblemCodes.InvalidParameter, "Invalid count", $"count must be between 1 and {NewsSearcher.MaxRelated}.");
        var related = host.Engine.Related(id, n);
        return related is null
            ? Problems.NotFound("Article not found", $"No article has the id '{id}'.")
            : TypedResults.Ok(related);
    }

    internal static async Task<Results<Created<ArticleWriteResponse>, Ok<ArticleWriteResponse>, ProblemHttpResult>> PutArticle(
        [Description("Article id (1 to 200 characters)")] string id, HttpRequest request, EngineHost host,
        IOptions<NewsSearchOptions> options, CancellationToken ct)
    {
        if (InvalidId(id) is { } bad) return bad;
        if (!IsMediaType(request.ContentType, JsonType)) return Problems.UnsupportedMediaType(request.ContentType, JsonType);
        var (text, problem) = await ReadBodyAsync(request, options.Value.MaxArticleBodyBytes, ct);
        if (problem is not null) return problem;

        JsonNode? node;
        try { node = JsonNode.Parse(text!); }
        catch (JsonException e) { return InvalidJson(e); }
        if (node is not JsonObject obj)
            return Problems.BadRequest(ProblemCodes.InvalidArticle, "Not an article", "The body must be one JSON object (POST /api/v1/articles takes many).");
        if (obj["id"] is { } given && given.GetValueKind() is JsonValueKind.String or JsonValueKind.Number
            && (given.GetValueKind() == JsonValueKind.String ? given.GetValue<string>().Trim() : given.ToJsonString()) != id)
            return Problems.BadRequest(ProblemCodes.IdMismatch, "Id mismatch", $"The body's id {given.ToJsonString()} differs from the URL's '{id}'.");
        obj["id"] = id;

        var read = ArticleJsonReader.Read(obj.ToJsonString(), SourceName, jsonLines: false);
        if (read.Articles.Count != 1)
            return InvalidArticles(read.Rejects, ProblemCodes.InvalidArticle);
        var engine = host.Engine;
        var outcome = engine.Store.Upsert(read.Articles[0]);
        host.NotifyStoreChanged();
        long sequence = engine.Store.Get(id)?.Sequence ?? engine.Store.CurrentSequence;
        var body = new ArticleWriteResponse(id, OutcomeName(outcome), sequence);
        return outcome == UpsertOutcome.New
            ? TypedResults.Created($"/api/v1/articles/{Uri.EscapeDataString(id)}", body)
            : TypedResults.Ok(body);
    }

    internal static async Task<Results<Ok<BulkWriteResponse>, ProblemHttpResult>> PostArticles(
        HttpRequest request, EngineHost host, IOptions<NewsSearchOptions> options, CancellationToken ct)
    {
        bool lines = JsonLinesTypes.Any(t => IsMediaType(request.ContentType, t));
        if (!lines && !IsMediaType(request.ContentType, JsonType))
            return Problems.UnsupportedMediaType(request.ContentType, [JsonType, .. JsonLinesTypes]);
        var (text, problem) = await ReadBodyAsync(request, options.Value.MaxBulkBodyBytes, ct);
        if (problem is not null) return problem;

        var read = ArticleJsonReader.Read(text!, SourceName, lines);
        if (read.Articles.Count == 0 && read.Rejects.Count > 0)
            return InvalidArticles(read.Rejects, ProblemCodes.InvalidArticles);
        var engine = host.Engine;
        var outcomes = read.Articles.Count == 0 ? [] : engine.Store.UpsertMany(read.Articles);
        if (read.Articles.Count > 0) host.NotifyStoreChanged();
        var results = new ArticleWriteResult[outcomes.Length];
        for (int i = 0; i < outcomes.Length; i++) results[i] = new ArticleWriteResult(read.Articles[i].Id, OutcomeName(outcomes[i]));
        return TypedResults.Ok(new BulkWriteResponse(outcomes.Length,
            outcomes.Count(o => o == UpsertOutcome.New), outcomes.Count(o => o == UpsertOutcome.Updated), outcomes.Count(o => o == UpsertOutcome.Unchanged),
            Rejections(read.Rejects), engine.Store.CurrentSequence, results));
    }

    internal static Results<Ok<ArticleDeleteResponse>, ProblemHttpResult> DeleteArticle(
        [Description("Article id")] string id, EngineHost host)
    {
        if (InvalidId(id) is { } bad) return bad;
        var engine = host.Engine;
        if (!engine.Store.Delete(id))
            return Problems.NotFound("Article not found", $"No article has the id '{id}'.");
        host.NotifyStoreChanged();
        return TypedResults.Ok(new ArticleDeleteResponse(id, engine.Store.CurrentSequence));
    }

    private static ProblemHttpResult? InvalidId(string id) =>
        string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength || id.Trim().Length != id.Length || id.Any(char.IsControl)
            ? Problems.BadRequest(ProblemCodes.InvalidId, "Invalid id",
                $"An article id has 1 to {MaxIdLength} characters, without control characters or surrounding spaces.")
            : null;

    private static string OutcomeName(UpsertOutcome o) => o switch
    {
        UpsertOutcome.New => "created",
        UpsertOutcome.Updated => "updated",
        _ => "unchanged",
    };

    private static IReadOnlyList<ArticleRejection> Rejections(IReadOnlyList<IngestReject> rejects) =>
        [.. rejects.Select(r => new ArticleRejection(r.Line, r.Field, r.Reason))];

    private static ProblemHttpResult InvalidArticles(IReadOnlyList<IngestReject> rejects, string code)
    {
        if (rejects.Count == 1 && rejects[0].Field == "(json)")
            return Problems.BadRequest(ProblemCodes.InvalidJson, "Invalid JSON", $"Line {rejects[0].Line}: {rejects[0].Reason}.");
        return Problems.BadRequest(code, "No valid article",
            "No record of the body could be stored; `rejected` says which field is wrong and why, by line.", new() { ["rejected"] = Rejections(rejects) });
    }

    private static ProblemHttpResult InvalidJson(JsonException e) =>
        Problems.BadRequest(ProblemCodes.InvalidJson, "Invalid JSON",
            $"The body is not valid JSON (line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}).");

    /// <summary>The media type matches, and a charset parameter, when given, is UTF-8.</summary>
    private static bool IsMediaType(string? contentType, string expected)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return false;
        if (!parsed.MediaType.Equals(expected, StringComparison.OrdinalIgnoreCase)) return false;
        return parsed.Charset.Length == 0 || parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads the whole body as strict UTF-8, refusing it past <paramref name="limit"/> bytes (413) or with invalid bytes (400).</summary>
    private static async Task<(string? Text, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) return (null, Problems.PayloadTooLarge(limit));
        // Let Kestrel enforce the same limit (its default would refuse bigger bulk bodies first).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        using var body = new MemoryStream();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (body.Length + n > limit) return (null, Problems.PayloadTooLarge(limit));
                body.Write(buffer, 0, n);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        try
        {
            return (StrictUtf8.GetString(body.GetBuffer(), 0, (int)body.Length), null);
        }
        catch (DecoderFallbackException e)
        {
            return (null, Problems.BadRequest(ProblemCodes.InvalidEncoding, "Body is not UTF-8",
                $"The body has bytes that are not UTF-8 (near byte {Math.Max(0, e.Index)}); send UTF-8 text."));
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
