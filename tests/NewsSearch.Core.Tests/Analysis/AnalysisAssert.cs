using NewsSearch.Core.Analysis;
using NUnit.Framework;

namespace NewsSearch.Core.Tests.Analysis;

/// <summary>Lucene-style analysis assertions: the whole token stream, attribute by attribute.</summary>
public static class AnalysisAssert
{
    /// <summary>One token as the stream produced it (position is the running sum of increments minus one).</summary>
    public sealed record Tok(string Term, int Start, int End, int Position, int PositionIncrement, int PositionLength, TokenType Type);

    public static List<Tok> Tokens(Analyzer analyzer, string text)
    {
        var ts = analyzer.CreateTokenStream();
        ts.SetText(text);
        var list = new List<Tok>();
        int pos = -1;
        while (ts.IncrementToken())
        {
            pos += ts.PositionIncrement;
            list.Add(new Tok(ts.Term.ToString(), ts.StartOffset, ts.EndOffset, pos, ts.PositionIncrement, ts.PositionLength, ts.Type));
        }
        return list;
    }

    public static void AssertAnalyzesTo(Analyzer analyzer, string text, string[] output,
        int[]? startOffsets = null, int[]? endOffsets = null, TokenType[]? types = null,
        int[]? positionIncrements = null, int[]? positions = null)
    {
        var toks = Tokens(analyzer, text);
        string got = string.Join(" | ", toks.Select(t => $"{t.Term}[{t.Start},{t.End})@{t.Position}"));
        Assert.That(toks.Select(t => t.Term).ToArray(), Is.EqualTo(output), $"terms of '{text}': {got}");
        if (startOffsets != null) Assert.That(toks.Select(t => t.Start).ToArray(), Is.EqualTo(startOffsets), $"start offsets: {got}");
        if (endOffsets != null) Assert.That(toks.Select(t => t.End).ToArray(), Is.EqualTo(endOffsets), $"end offsets: {got}");
        if (types != null) Assert.That(toks.Select(t => t.Type).ToArray(), Is.EqualTo(types), $"types: {got}");
        if (positionIncrements != null)
            Assert.That(toks.Select(t => t.PositionIncrement).ToArray(), Is.EqualTo(positionIncrements), $"increments: {got}");
        if (positions != null) Assert.That(toks.Select(t => t.Position).ToArray(), Is.EqualTo(positions), $"positions: {got}");
        foreach (var t in toks)
        {
            Assert.That(t.Start, Is.InRange(0, text.Length), $"offset inside text: {t}");
            Assert.That(t.End, Is.InRange(t.Start + 1, text.Length), $"non-empty span: {t}");
            Assert.That(t.PositionIncrement, Is.GreaterThanOrEqualTo(0), $"positions never go back: {t}");
        }
    }
}

/// <summary>One <see cref="NewsAnalysis"/> for the whole test run (the dictionary is the Debian one, cached in a temp folder).</summary>
public static class TestAnalysis
{
    private static readonly Lazy<NewsAnalysis> Shared = new(() => NewsAnalysis.Load(new AnalysisOptions
    {
        CacheDirectory = Path.Combine(Path.GetTempPath(), "newssearch-analysis-tests"),
    }));

    public static NewsAnalysis Instance => Shared.Value;

    /// <summary>The folder holding NewsSearch.sln (walking up from the test binaries).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "NewsSearch.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NewsSearch.sln not found above the test folder");
    }

    public static string SharedFolder(params string[] parts) =>
        Path.Combine([RepoRoot(), "..", "shared", .. parts]);
}
