using NUnit.Framework;
using NewsSearch.Core.Index;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Index;

/// <summary>Background merges against commits that drop fully deleted segments.</summary>
public class MergeRaceTests : TempFolderTest
{
    /// <summary>Merges every segment once there are two or more.</summary>
    private sealed class MergeAllPolicy : MergePolicy
    {
        public override IReadOnlyList<int>? FindMerge(IReadOnlyList<MergeCandidate> segments) =>
            segments.Count >= 2 ? Enumerable.Range(0, segments.Count).ToList() : null;
    }

    [Test]
    public void TestCommitKeepsAFullyDeletedSegmentThatABackgroundMergeHasPickedUntilTheMergeEnds()
    {
        using var picked = new ManualResetEventSlim();
        using var go = new ManualResetEventSlim();
        using var w = IndexWriter.Open(Folder, Config(background: true, policy: new MergeAllPolicy()));
        IReadOnlyList<string>? sources = null;
        w.MergeSourcesPicked = names =>
        {
            sources = names;
            picked.Set();
            go.Wait(TimeSpan.FromSeconds(60));
        };
        try
        {
            w.AddDocument(MakeDoc("a", "first", "alpha beta gamma"));
            w.Commit(1);
            w.AddDocument(MakeDoc("b", "second", "beta delta"));
            w.Commit(2); // two segments: the background merge picks both and parks in the hook
            Assert.That(picked.Wait(TimeSpan.FromSeconds(60)), Is.True, "the background merge started");
            Assert.That(sources, Has.Count.EqualTo(2));

            // The picked segment holding "a" becomes fully deleted; a commit used to drop it and, with no snapshot
            // left on it, unmap its files while the merge was about to read them (access violation in the merge).
            w.DeleteDocument("a");
            w.Commit(3);
            Assert.That(w.SegmentsInfo().Select(x => x.Name), Is.SupersetOf(sources!), "sources stay until the merge ends");
        }
        finally { go.Set(); } // never leave the merge parked (Dispose waits for it)
        w.WaitForMerges();
        w.Commit(4);

        Assert.That(w.SegmentsInfo(), Has.Count.EqualTo(1));
        using var s = w.AcquireSnapshot();
        Assert.That(s.LiveIds(), Is.EquivalentTo(new[] { "b" }));
        Assert.That(s.FindDoc("a"), Is.EqualTo(-1));
        Assert.That(s.Segments.Single().DocFreq(NewsFields.Body, "delta"), Is.EqualTo(1));
    }
}
