using System.Diagnostics;
using NUnit.Framework;
using NewsSearch.Core.Store;
using NewsSearch.StressChild;

namespace NewsSearch.Core.Tests.Index;

/// <summary>
/// Kills an indexing child process (tests/NewsSearch.StressChild: store upserts/deletes, catch-ups with frequent
/// commits, background merges, force merges, rebuilds, on the fixture's engine) with SIGKILL at random moments.
/// After every kill the index must open, pass its checksums and integrity check, and after catch-up hold exactly
/// the store's live articles.
/// </summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class CrashTests(string engineName)
{
    [Test]
    public void TestIndexSurvivesSigkillAtRandomMoments()
    {
        var engine = EngineCases.Get(engineName);
        string data = IndexTestKit.NewTempFolder();
        string indexFolder = Path.Combine(data, "index");
        string cli = Path.Combine(AppContext.BaseDirectory, "NewsSearch.StressChild.dll");
        Assert.That(File.Exists(cli), Is.True, "the stress child is built next to the tests");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var rng = new Random(20240530);
        int kills = 0, killedWhileRunning = 0;
        long maxDocs = 0;
        try
        {
            for (int round = 1; round <= 22; round++)
            {
                var psi = new ProcessStartInfo(dotnet)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var a in new[] { cli, "--data", data, "--engine", engineName, "--seed", round.ToString() }) psi.ArgumentList.Add(a);
                using var child = Process.Start(psi)!;
                var stderr = child.StandardError.ReadToEndAsync();
                var ready = Task.Run(() => child.StandardOutput.ReadLine());
                // Half the kills land while the child is still starting (opening, catching up); half while it runs.
                if (round % 2 == 0)
                {
                    Assert.That(ready.Wait(TimeSpan.FromSeconds(60)), Is.True, "child became ready");
                    Assert.That(ready.Result, Is.EqualTo("ready"), () => "child failed: " + stderr.Result);
                    Thread.Sleep(rng.Next(20, 1200));
                }
                else Thread.Sleep(rng.Next(30, 900));
                if (child.HasExited) Assert.Fail($"child exited on its own (code {child.ExitCode}): {stderr.Result}");
                bool running = ready.IsCompleted;
                child.Kill(entireProcessTree: true); // SIGKILL
                child.WaitForExit();
                kills++;
                if (running) killedWhileRunning++;

                string? version = IndexManager.ResolveCurrentVersionFolder(indexFolder);
                if (version is not null && Directory.Exists(version))
                {
                    using var snapshot = engine.OpenReadOnly(version, verifyChecksums: true);
                    var check = engine.Check(version);
                    Assert.That(check.Problems, Is.Empty, $"round {round}: check of the newest commit after the kill");
                }
                using var store = new ArticleStore(data);
                using var manager = IndexManager.Open(indexFolder, store, engine, IndexStress.AnalyzerFor, IndexStress.Signature,
                    new IndexManagerOptions { BackgroundMerges = false });
                using var lease = manager.AcquireSnapshot();
                var storeIds = store.ReadAll().Select(s => s.Article.Id).ToHashSet();
                var indexIds = lease.Snapshot.LiveIds();
                Assert.That(indexIds.SetEquals(storeIds), Is.True,
                    $"round {round}: index has {indexIds.Count} ids, store {storeIds.Count}; missing [{string.Join(",", storeIds.Except(indexIds).Take(5))}], extra [{string.Join(",", indexIds.Except(storeIds).Take(5))}]");
                Assert.That(lease.Snapshot.NumDocs, Is.EqualTo(storeIds.Count), "no id is live twice");
                Assert.That(lease.Snapshot.StoreSequence, Is.EqualTo(store.CurrentSequence));
                maxDocs = Math.Max(maxDocs, storeIds.Count);
            }
        }
        finally
        {
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
        Assert.That(kills, Is.GreaterThanOrEqualTo(20));
        Assert.That(killedWhileRunning, Is.GreaterThanOrEqualTo(10));
        Assert.That(maxDocs, Is.GreaterThan(50), "the child really indexed articles");
        TestContext.Out.WriteLine($"{kills} kills ({killedWhileRunning} while indexing), up to {maxDocs} live articles");
    }
}
