using System.CommandLine;
using NewsSearch.Core.Store;

namespace NewsSearch.Cli.Commands;

/// <summary>`delete` takes articles down: from the store, then the index (or the running server indexes the tombstones).</summary>
public static class ArticleCommands
{
    public static Command CreateDelete(CliGlobals globals)
    {
        var ids = new Argument<string[]>("ids") { Description = "Ids of the articles to take down", Arity = ArgumentArity.OneOrMore };
        var delete = new Command("delete", "Take articles down: delete them from the store and the index") { ids };
        delete.SetAction(r =>
        {
            string data = globals.DataFolder(r);
            if (!File.Exists(Path.Combine(data, ArticleStore.FileName)))
                throw new CliException($"no article store in {data}");
            var missing = new List<string>();
            int deleted = 0;
            using (var store = new ArticleStore(data))
            {
                foreach (var id in r.GetValue(ids)!.Distinct(StringComparer.Ordinal))
                {
                    if (store.Delete(id)) { deleted++; Console.WriteLine($"deleted {id}"); }
                    else missing.Add(id);
                }
            }
            if (deleted > 0)
            {
                using var engine = ServeCommand.OpenEngineUnlessServed(globals, r, catchUp: false);
                if (engine is null) Console.WriteLine("a running server holds the index and drops these articles from results within a second");
                else Console.WriteLine($"index updated ({engine.Index.CatchUp()} changes)");
            }
            if (missing.Count > 0)
                throw new CliException($"no article with id {string.Join(", ", missing)}{(deleted > 0 ? $" (the other {deleted} were deleted)" : "")}");
            return 0;
        });
        return delete;
    }
}
