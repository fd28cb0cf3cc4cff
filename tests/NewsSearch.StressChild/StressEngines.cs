namespace NewsSearch.StressChild;

/// <summary>The engines the stress child can run (native is always there).</summary>
public static class StressEngines
{
    public static void Register()
    {
        // ENGINE REGISTRATION: add the Lucene.Net engine here once src/NewsSearch.Engine.Lucene exists, e.g.
        // EngineCatalog.Register(new NewsSearch.Engine.Lucene.LuceneEngine());
    }
}
