namespace NewsSearch.Core.Tests;

/// <summary>
/// Every registered index engine's name: the source of the one parametrized fixture that runs each search, index
/// manager and API test touching an engine on every engine ([TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]).
/// </summary>
public static class EngineCases
{
    static EngineCases()
    {
        NewsSearch.Core.Engine.EngineCatalog.Register(new NewsSearch.Engine.Lucene.LuceneIndexEngine());
    }

    public static IEnumerable<string> All => EngineCatalog.Names;

    /// <summary>The engine of a fixture's name (after registration).</summary>
    public static IIndexEngine Get(string name)
    {
        _ = All;
        return EngineCatalog.Get(name);
    }
}
