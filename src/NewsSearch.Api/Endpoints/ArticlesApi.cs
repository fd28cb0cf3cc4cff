using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NewsSearch.Api.Infrastructure;
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
    long Sequence)
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

public static class ArticlesApi
{
    public static IEndpointRouteBuilder MapArticlesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/articles").WithTags("Articles");
        api.MapGet("/{id}", GetArticle)
            .WithName("GetArticle")
            .WithSummary("One article by id, as stored; with q, also highlighted whole")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/related", GetRelated)
            .WithName("GetRelatedArticles")
            .WithSummary("Articles like this one (more-like-this over title and body words)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static Results<Ok<ArticleResponse>, ProblemHttpResult> GetArticle(
        [Description("Article id, as returned in search hits")] string id,
        [Description("A query whose matches to mark in the title and the whole body (optional)")][FromQuery(Name = "q")] string? q,
        EngineHost host)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200)
            return Problems.BadRequest("Invalid id", "An article id has 1 to 200 characters.");
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
            return Problems.BadRequest("Invalid query", e.Message, e.Position >= 0 ? new() { ["position"] = e.Position } : null);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("Invalid query", e.Message);
        }
    }

    internal static Results<Ok<RelatedResponse>, ProblemHttpResult> GetRelated(
        [Description("Article id, as returned in search hits")] string id,
        [Description($"How many related articles, 1 to 50 (default 10)")][FromQuery(Name = "count")] int? count,
        EngineHost host)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200)
            return Problems.BadRequest("Invalid id", "An article id has 1 to 200 characters.");
        int n = count ?? 10;
        if (n is < 1 or > NewsSearcher.MaxRelated)
            return Problems.BadRequest("Invalid count", $"count must be between 1 and {NewsSearcher.MaxRelated}.");
        var related = host.Engine.Related(id, n);
        return related is null
            ? Problems.NotFound("Article not found", $"No article has the id '{id}'.")
            : TypedResults.Ok(related);
    }
}
