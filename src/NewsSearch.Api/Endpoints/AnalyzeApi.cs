using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NewsSearch.Api.Infrastructure;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Api.Endpoints;

public sealed record AnalyzeParameters(
    [property: Description("Text to analyze (at most 10,000 characters)")]
    [FromQuery(Name = "text")] string? Text,
    [property: Description("Include the query-time chains too (default true)")]
    [FromQuery(Name = "query")] bool? Query);

public sealed record AnalyzeResponse(string Text, string Analysis, IReadOnlyList<FieldAnalysis> Fields);

public static class AnalyzeApi
{
    public const int MaxTextLength = 10_000;

    public static IEndpointRouteBuilder MapAnalyzeApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Analysis").ApiKeyForReads().WithCommonProblems()
            .ProducesApiProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/analyze", Analyze)
            .WithName("Analyze")
            .WithSummary("Tokens with offsets, positions and types for each field")
            .WithDescription("Offsets are UTF-16 indexes into the given text; positions are what phrase queries match on. "
                + "400 codes: missing_text, text_too_long (over 10,000 characters).")
            .ProducesApiProblem(StatusCodes.Status400BadRequest)
            .WithParameterExamples(("text", "轨道交通产业园开工"), ("query", true));
        return routes;
    }

    internal static Results<Ok<AnalyzeResponse>, ProblemHttpResult> Analyze([AsParameters] AnalyzeParameters p, EngineHost host)
    {
        if (string.IsNullOrEmpty(p.Text))
            return Problems.BadRequest(ProblemCodes.MissingText, "Missing text", "Give the text to analyze in the text parameter.");
        if (p.Text.Length > MaxTextLength)
            return Problems.BadRequest(ProblemCodes.TextTooLong, "Text too long", $"At most {MaxTextLength} characters can be analyzed at once.");
        var analysis = host.Engine.Analysis;
        return TypedResults.Ok(new AnalyzeResponse(p.Text, analysis.Signature.ToString(), analysis.Explain(p.Text, p.Query ?? true)));
    }
}
