namespace NewsSearch.StressChild;

/// <summary>The engines the stress child can run (native is always there).</summary>
public static class StressEngines
{
    public static void Register()
    {
        NewsSearch.Core.Engine.EngineCatalog.Register(new NewsSearch.Engine.Lucene.LuceneIndexEngine());
    }
}
