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

    /// <summary>Live records, read without taking any lock the ingesting child could wait on.</summary>
    private static long ReadOnlyCount(string data)
    {
        string path = Path.Combine(data, ArticleStore.FileName);
        if (!File.Exists(path)) return 0;
        try
        {
            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM articles WHERE deleted = 0";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (Microsoft.Data.Sqlite.SqliteException) { return 0; } // not created yet, or busy being created
    }

    private static long StoredCount(string data)
    {
        if (!File.Exists(Path.Combine(data, ArticleStore.FileName))) return 0;
        using var store = new ArticleStore(data);
        return store.Count;
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
        long shortestFinishedRunMs = 3000;
        // Twelve kills: while records are still missing, each lands once the store holds a random number of them
        // (polled read-only), so kills fall inside the storing on a fast machine as on a slow one; once everything
        // is stored, at a random moment of the rerun (re-reading pages, catching the index up), drawn below the
        // shortest rerun seen to finish: a fixed window let a fast machine finish most reruns before their kill.
        for (int round = 0; kills < 12 && round < 48; round++)
        {
            long before = StoredCount(data);
            long target = before < expected.Count ? rng.NextInt64(before, expected.Count) : -1;
            var clock = Stopwatch.StartNew();
            int deadline = rng.Next(50, (int)Math.Max(51, shortestFinishedRunMs * 9 / 10));
            using var child = Process.Start(Ingest(data, tree))!;
            var stdout = child.StandardOutput.ReadToEndAsync();
            var stderr = child.StandardError.ReadToEndAsync();
            while (!child.HasExited && (target >= 0 ? ReadOnlyCount(data) < target : clock.ElapsedMilliseconds < deadline))
                Thread.Sleep(10);
            if (child.HasExited)
            {
                Assert.That(child.ExitCode, Is.EqualTo(0), () => $"round {round}: {stderr.Result}");
                if (target < 0) shortestFinishedRunMs = Math.Min(shortestFinishedRunMs, clock.ElapsedMilliseconds);
                continue;
            }
            child.Kill(entireProcessTree: true); // SIGKILL
            child.WaitForExit();
            kills++;
            long stored = StoredCount(data);
            if (stored > before && stored < expected.Count) midStore++;
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
