using System.Collections.Concurrent;
using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Index;

/// <summary>
/// Many searches while one writer writes: every snapshot a reader gets is internally consistent (its postings agree
/// with its live documents), readers never fail, and the final snapshot holds exactly the store's articles.
/// </summary>
public class ConcurrentSearchTests
{
    private string _data = "";
    private ArticleStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _data = IndexTestKit.NewTempFolder();
        _store = new ArticleStore(_data);
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    private static Article Art(int i, int version) => new()
    {
        Id = $"a{i}",
        Title = $"title{i} v{version}",
        Body = $"every article says common words, this one is number{i} version{version}",
    };

    /// <summary>Live docs matching body:common must be exactly the snapshot's live docs, each id once.</summary>
    private static void AssertConsistent(IndexSnapshot s)
    {
        int matches = 0;
        var ids = new HashSet<string>();
        foreach (var leaf in s.Leaves)
        {
            var pe = leaf.GetPostings(NewsFields.Body, "common", false);
            if (pe is null) continue;
            for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
            {
                if (!leaf.IsLive(d)) continue;
                matches++;
                Assert.That(ids.Add(leaf.GetId(d)), Is.True, "an id is live twice in one snapshot");
            }
        }
        Assert.That(matches, Is.EqualTo(s.NumDocs));
    }

    [Test]
    public void TestSearchesStayConsistentWhileOneWriterWrites()
    {
        using var manager = IndexManager.Open(Path.Combine(_data, "index"), _store, TestAnalysis.For, TestAnalysis.Signature,
            new IndexManagerOptions { BackgroundMerges = true });
        var errors = new ConcurrentQueue<Exception>();
        int snapshotsChecked = 0;
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    using var lease = manager.AcquireSnapshot();
                    AssertConsistent(lease.Native());
                    Interlocked.Increment(ref snapshotsChecked);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                    return;
                }
            }
        })).ToArray();

        var rng = new Random(7);
        for (int batch = 0; batch < 60 && errors.IsEmpty; batch++)
        {
            // Adds, updates and deletes, each batch committed and published.
            _store.UpsertMany(Enumerable.Range(0, 8).Select(_ => Art(rng.Next(200), batch)).DistinctBy(a => a.Id).ToList());
            if (batch % 3 == 0) _store.Delete($"a{rng.Next(200)}");
            manager.CatchUp();
        }
        done.Cancel();
        Task.WaitAll(readers, TimeSpan.FromSeconds(60));

        Assert.That(errors, Is.Empty, errors.TryPeek(out var first) ? first.ToString() : "");
        Assert.That(snapshotsChecked, Is.GreaterThan(0));
        using var final = manager.AcquireSnapshot();
        AssertConsistent(final.Native());
        Assert.That(final.Snapshot.LiveIds(), Is.EquivalentTo(_store.ReadAll().Select(s => s.Article.Id)));
    }
}
