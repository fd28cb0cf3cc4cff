using System.Diagnostics;
using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Ingest;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Cli;

/// <summary>
/// `newssearch ingest` over a generated archive, killed with SIGKILL at random moments (while starting, parsing and
/// storing, or indexing), then run to completion: the store holds exactly the archive's records, none missing or
/// twice, and the index the CLI committed holds exactly the store's articles.
/// </summary>
public class IngestKillTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Index.IndexTestKit.NewTempFolder();

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private ProcessStartInfo Ingest(string data, string tree)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "newssearch.dll"), "--data", data, "ingest", tree })
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static long StoredCount(string data)
    {
        if (!File.Exists(Path.Combine(data, ArticleStore.FileName))) return 0;
        using var store = new ArticleStore(data);
        return store.Count;
    }

    /// <summary>Rows in the store's articles table, read-only (never writes, never waits on the writer); -1 when
    /// the file cannot be read right now.</summary>
    private static long PeekStoredRows(string data)
    {
        string file = Path.Combine(data, ArticleStore.FileName);
        if (!File.Exists(file)) return 0;
        try
        {
            using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM articles";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return -1;
        }
    }

    [Test]
    public void TestArchiveIngestKilledTwelveTimesEndsWithExactlyTheArchivesArticles()
    {
        string tree = Path.Combine(_dir, "archive"), data = Path.Combine(_dir, "data");
        var archive = NewsSearch.Core.Tests.Ingest.GeneratedArchiveKit.Write(tree, 1500);
        var expected = new HashSet<string>();
        foreach (var rel in archive.Files)
            foreach (var a in Ingester.ParseFile(Path.Combine(tree, rel), tree, new IngestOptions(), out _).Articles)
                Assert.That(expected.Add(a.Id), Is.True, $"{rel}: id {a.Id} twice");
        Assert.That(expected, Has.Count.EqualTo(archive.Articles + archive.Notices));

        var rng = new Random(20260601);
        int kills = 0, midStore = 0;
        // Kill moments follow the run's progress, not a fixed clock (the machine's speed varies): while the store is
        // incomplete most rounds kill once this run has stored a random number more records; every third round, and
        // every round once all is stored, kills after a random delay (starting or indexing). A run that ends first
        // is fine; rounds go on until twelve kills (at most 40 runs).
        for (int round = 0; round < 40 && kills < 12; round++)
        {
            long before = PeekStoredRows(data);
            bool storing = before < expected.Count && round % 3 != 2;
            long target = Math.Min(expected.Count - 1, Math.Max(0, before) + rng.Next(50, 1500));
            int delayMs = before >= expected.Count ? rng.Next(100, 1500) : rng.Next(500, 4000);
            using var child = Process.Start(Ingest(data, tree))!;
            var stdout = child.StandardOutput.ReadToEndAsync();
            var stderr = child.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120))
            {
                if (storing ? PeekStoredRows(data) >= target : clock.ElapsedMilliseconds >= delayMs) break;
                Thread.Sleep(10);
            }
            if (child.HasExited)
            {
                child.WaitForExit();
                Assert.That(child.ExitCode, Is.EqualTo(0), () => $"round {round}: {stderr.Result}");
                continue;
            }
            child.Kill(entireProcessTree: true); // SIGKILL
            child.WaitForExit();
            kills++;
            long stored = StoredCount(data);
            if (stored > 0 && stored < expected.Count) midStore++;
            TestContext.Progress.WriteLine($"round {round}: killed with {stored}/{expected.Count} records stored");
        }
        Assert.That(kills, Is.GreaterThanOrEqualTo(10), "at least ten runs were killed while running");
        Assert.That(midStore, Is.GreaterThanOrEqualTo(1), "at least one kill landed while pages were being stored");

        using (var last = Process.Start(Ingest(data, tree))!)
        {
            var stdout = last.StandardOutput.ReadToEndAsync();
            var stderr = last.StandardError.ReadToEndAsync();
            Assert.That(last.WaitForExit(TimeSpan.FromSeconds(300)), Is.True, "the last run finished");
            Assert.That(last.ExitCode, Is.EqualTo(0), () => stderr.Result);
            Assert.That(stdout.Result, Does.Contain($"the index holds {expected.Count} documents"));
        }

        using var store = new ArticleStore(data);
        var ids = store.ReadIds();
        Assert.That(ids, Has.Count.EqualTo(expected.Count), "no record stored twice or missing");
        Assert.That(ids.ToHashSet().SetEquals(expected), Is.True,
            $"missing [{string.Join(",", expected.Except(ids).Take(5))}], extra [{string.Join(",", ids.Except(expected).Take(5))}]");
        string version = IndexManager.ResolveCurrentVersionFolder(Path.Combine(data, NewsEngine.IndexFolderName))!;
        using var snapshot = IndexSnapshot.Open(version, verifyChecksums: true);
        Assert.That(snapshot.LiveIds().SetEquals(expected), Is.True, "the index holds the store's articles");
        Assert.That(snapshot.NumDocs, Is.EqualTo(expected.Count));
    }
}
