using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using NewsSearch.Api.Infrastructure;
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
            .WithSummary("One article by id, as stored")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static Results<Ok<ArticleResponse>, ProblemHttpResult> GetArticle(
        [Description("Article id, as returned in search hits")] string id, EngineHost host)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200)
            return Problems.BadRequest("Invalid id", "An article id has 1 to 200 characters.");
        var stored = host.Engine.Store.Get(id);
        return stored is null
            ? Problems.NotFound("Article not found", $"No article has the id '{id}'.")
            : TypedResults.Ok(ArticleResponse.From(stored));
    }
}
