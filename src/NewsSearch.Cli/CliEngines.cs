namespace NewsSearch.Cli;

/// <summary>The engines the CLI can open (native is always there).</summary>
public static class CliEngines
{
    public static void Register()
    {
        // ENGINE REGISTRATION: add the Lucene.Net engine here once src/NewsSearch.Engine.Lucene exists, e.g.
        // EngineCatalog.Register(new NewsSearch.Engine.Lucene.LuceneEngine());
    }
}
