using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;
using NewsSearch.Core.Tests.Ingest;
using NsDocument = NewsSearch.Core.Index.Document;

namespace NewsSearch.Core.Tests.Engine;

/// <summary>Real documents for the engine tests that compare two implementations on one index.</summary>
internal static class EngineTestDocuments
{
    /// <summary>
    /// The seed pages and the first <paramref name="corpusArticles"/> bench-corpus articles, read by the product's
    /// own ingester (pages and JSONL alike) into a store under <paramref name="folder"/>, as the documents the index
    /// gets (<see cref="ArticleDocuments.ToDocument"/>), in store order.
    /// </summary>
    public static List<NsDocument> SeedPagesAndCorpus(string folder, int corpusArticles)
    {
        Directory.CreateDirectory(folder);
        string corpus = Path.Combine(folder, $"corpus-{corpusArticles}.jsonl");
        File.WriteAllLines(corpus, File.ReadLines(EngineDifferentialTest.CorpusFile()).Take(corpusArticles));
        using var store = new ArticleStore(Path.Combine(folder, "store"));
        var summary = new Ingester(store).Run([TestPaths.Seed(TestPaths.Page000), TestPaths.Seed(TestPaths.Page003), corpus],
            new IngestOptions { Year = 2026 }, null);
        Assert.That(summary.Errors, Is.Empty, "ingest errors");
        var docs = store.ReadAll().Select(a => ArticleDocuments.ToDocument(a.Article)).ToList();
        Assert.That(docs, Has.Count.GreaterThan(corpusArticles + 5), "the seed pages hold several articles");
        return docs;
    }
}
