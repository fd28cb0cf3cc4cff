using NewsSearch.Core.Index;

namespace NewsSearch.Core.Engine;

/// <summary>
/// The engines this process can open, by name. Core registers only the native engine; hosts (CLI, API, tests)
/// register the others at start-up (the Lucene.Net engine lives in its own project, so Core never references
/// Lucene.Net).
/// </summary>
public static class EngineCatalog
{
    private static readonly Lock Sync = new();
    private static readonly Dictionary<string, IIndexEngine> Engines = new(StringComparer.Ordinal)
    {
        [EngineNames.Native] = NativeEngine.Default,
    };

    /// <summary>Adds (or replaces) an engine under its <see cref="IIndexEngine.Name"/>.</summary>
    public static void Register(IIndexEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        lock (Sync) Engines[engine.Name] = engine;
    }

    /// <summary>Registered engine names, native first.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Sync) return [.. Engines.Keys.OrderBy(n => n == EngineNames.Native ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal)];
        }
    }

    /// <summary>The engine of that name; <see cref="ArgumentException"/> naming the known ones otherwise.</summary>
    public static IIndexEngine Get(string name)
    {
        lock (Sync)
        {
            if (Engines.TryGetValue(name, out var e)) return e;
            string known = string.Join(", ", Engines.Keys.Order(StringComparer.Ordinal));
            throw new ArgumentException(name is EngineNames.Lucene
                ? $"engine 'lucene' is not available in this build (known: {known})."
                : $"unknown engine '{name}' (known: {known}).");
        }
    }
}
