using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Search;

public sealed partial class NewsSearcher
{
    /// <summary>The searcher of the news schema: query chains for the parser, index chains for the highlighter, and
    /// the newsroom synonyms when given.</summary>
    public NewsSearcher(NewsAnalysis analysis, SynonymSource? synonyms = null)
        : this(new SearchAnalyzers((analysis ?? throw new ArgumentNullException(nameof(analysis))).QueryAnalyzer, analysis.HighlightAnalyzer),
            new QueryParserOptions { Synonyms = synonyms })
    {
    }
}
