namespace NewsSearch.Api.Infrastructure;

/// <summary>The engines the API host can open (native is always there).</summary>
public static class ApiEngines
{
    public static void Register()
    {
        NewsSearch.Core.Engine.EngineCatalog.Register(new NewsSearch.Engine.Lucene.LuceneIndexEngine());
    }
}
