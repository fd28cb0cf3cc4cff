namespace NewsSearch.Cli;

/// <summary>The engines the CLI can open (native is always there).</summary>
public static class CliEngines
{
    public static void Register()
    {
        NewsSearch.Core.Engine.EngineCatalog.Register(new NewsSearch.Engine.Lucene.LuceneIndexEngine());
    }
}
