using System.Diagnostics;
using NUnit.Framework;
using NewsSearch.Cli.Commands;
using NewsSearch.Core.Index;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Index;

/// <summary>
/// Kills an indexing child process (the CLI's hidden index-stress command: store upserts/deletes, catch-ups with
/// frequent commits, background merges, force merges, rebuilds) with SIGKILL at random moments. After every kill
/// the index must open, pass its checksums, and after catch-up hold exactly the store's live articles.
/// </summary>
public class CrashTests
{
    [Test]
    public void TestIndexSurvivesSigkillAtRandomMoments()
    {
        string data = IndexTestKit.NewTempFolder();
        string indexFolder = Path.Combine(data, "index");
        string cli = Path.Combine(AppContext.BaseDirectory, "newssearch.dll");
        Assert.That(File.Exists(cli), Is.True, "the CLI is built next to the tests");
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
                foreach (var a in new[] { cli, "index-stress", "--data", data, "--seed", round.ToString() }) psi.ArgumentList.Add(a);
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
                if (version is not null)
                {
                    using var snapshot = IndexSnapshot.Open(version, verifyChecksums: true);
                    snapshot.VerifyChecksums();
                }
                using var store = new ArticleStore(data);
                using var manager = IndexManager.Open(indexFolder, store, IndexStress.AnalyzerFor, IndexStress.Signature,
                    new IndexManagerOptions { BackgroundMerges = false });
                using var lease = manager.AcquireSnapshot();
                lease.Snapshot.VerifyChecksums();
                var storeIds = store.ReadAll().Select(s => s.Article.Id).ToHashSet();
                var indexIds = lease.Snapshot.LiveIds();
                Assert.That(indexIds.SetEquals(storeIds), Is.True,
                    $"round {round}: index has {indexIds.Count} ids, store {storeIds.Count}; missing [{string.Join(",", storeIds.Except(indexIds).Take(5))}], extra [{string.Join(",", indexIds.Except(storeIds).Take(5))}]");
                Assert.That(lease.Snapshot.NumDocs, Is.EqualTo(storeIds.Count), "no id is live twice");
                Assert.That(lease.Reader.StoreSequence, Is.EqualTo(store.CurrentSequence));
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
