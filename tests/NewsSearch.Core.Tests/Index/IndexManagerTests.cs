using NUnit.Framework;
using NewsSearch.Core.Index;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Tests.Index;

/// <summary>The shared index logic (catch-up, NRT, reindex, leases) on every engine; tests of native internals
/// are marked and skipped for the others.</summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class IndexManagerTests(string engineName)
{
    private IIndexEngine Engine => EngineCases.Get(engineName);

    private void NativeOnly()
    {
        if (engineName != EngineNames.Native) Assert.Ignore("tests native segment internals");
    }

    private string _data = "";
    private ArticleStore _store = null!;
    private readonly List<string> _log = [];

    [SetUp]
    public void SetUp()
    {
        _data = IndexTestKit.NewTempFolder();
        _store = new ArticleStore(_data);
        _log.Clear();
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    private string IndexFolder => Path.Combine(_data, "index");

    private IndexManager Open(string signature = TestAnalysis.Signature, bool refuse = false) =>
        IndexManager.Open(IndexFolder, _store, Engine, TestAnalysis.For, signature, new IndexManagerOptions
        {
            RefuseOnSignatureMismatch = refuse,
            BackgroundMerges = false,
            Log = m => { lock (_log) _log.Add(m); },
        });

    private static Article Art(string id, string title, string body, ArticleKind kind = ArticleKind.Article) => new()
    {
        Id = id, Title = title, Body = body, Reporters = ["Wang Fang"], Correspondents = ["Li Qiang"], Section = "City",
        PublishedAt = new DateOnly(2024, 5, 30), Kind = kind, Subtitle = id == "a1" ? "sub words" : null,
    };

    private HashSet<string> StoreIds() => _store.ReadAll().Select(s => s.Article.Id).ToHashSet();

    [Test]
    public void TestCatchUpAppliesUpsertsAndDeletesFromTheStore()
    {
        _store.UpsertMany([Art("a1", "bus fares", "fares rise"), Art("a2", "metro line", "new line opens"), Art("a3", "notice", "lost card", ArticleKind.Notice)]);
        using var m = Open();
        using (var lease = m.AcquireSnapshot())
        {
            Assert.That(lease.Snapshot.LiveIds(), Is.EquivalentTo(new[] { "a1", "a2", "a3" }), "Open catches up");
            Assert.That(lease.Snapshot.StoreSequence, Is.EqualTo(_store.CurrentSequence));
        }
        _store.Upsert(Art("a2", "metro line closed", "line closes"));
        _store.Delete("a1");
        Assert.That(m.CatchUp(), Is.EqualTo(2));
        Assert.That(m.CatchUp(), Is.EqualTo(0));
        using var l2 = m.AcquireSnapshot();
        Assert.That(l2.Snapshot.LiveIds(), Is.EquivalentTo(new[] { "a2", "a3" }));
        Assert.That(l2.Snapshot.DocFreq(NewsFields.Title, "closed"), Is.EqualTo(1));
        Assert.That(l2.Snapshot.DocFreq(NewsFields.Author, "Li Qiang"), Is.EqualTo(2));
    }

    [Test]
    public void TestCatchUpFillsNativeColumns()
    {
        NativeOnly();
        _store.UpsertMany([Art("a2", "metro line closed", "line closes"), Art("a3", "notice", "lost card", ArticleKind.Notice)]);
        using var m = Open();
        using var l2 = m.AcquireSnapshot();
        var s = l2.Native();
        int doc = s.FindDoc("a2");
        var leaf = s.Segments.First(x => doc >= x.DocBase && doc < x.DocBase + x.MaxDoc);
        int local = doc - leaf.DocBase;
        Assert.That(leaf.IsLive(local), Is.True);
        var pe = leaf.GetPostings(NewsFields.Title, "closed", false)!;
        Assert.That(pe.Advance(local), Is.EqualTo(local));
        Assert.That(leaf.GetNumericValue(NewsFields.PublishedDay, local), Is.EqualTo(ArticleDocuments.DayOf(new DateOnly(2024, 5, 30))));
        Assert.That(leaf.GetSortedValue(NewsFields.Section, local), Is.EqualTo("City"));
        Assert.That(leaf.GetSortedValue(ArticleDocuments.KindField, local), Is.EqualTo("article"));
        int notice = s.FindDoc("a3");
        var noticeLeaf = s.Segments.First(x => notice >= x.DocBase && notice < x.DocBase + x.MaxDoc);
        Assert.That(noticeLeaf.GetSortedValue(ArticleDocuments.KindField, notice - noticeLeaf.DocBase), Is.EqualTo("notice"));
        Assert.That(s.Segments.Sum(x => x.DocFreq(NewsFields.Author, "Li Qiang")), Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void TestSubtitleIsIndexedAsTitleText()
    {
        var d = ArticleDocuments.ToDocument(Art("a1", "bus fares", "x"));
        Assert.That(d.TextFields.First(f => f.Name == NewsFields.Title).Text, Is.EqualTo("bus fares\nsub words"));
        Assert.That(d.StringFields.Where(f => f.Name == NewsFields.Author).Select(f => f.Value), Is.EqualTo(new[] { "Wang Fang", "Li Qiang" }));
        Assert.That(d.SortedFields.Single(f => f.Name == ArticleDocuments.KindField).Value, Is.EqualTo("article"));
    }

    /// <summary>A bulk build with background merges flushes many small segments; WaitForMerges runs the merges the
    /// policy asks for and commits them, so the next open (a new process) sees the merged index, not the flushes.</summary>
    [Test]
    public void TestWaitForMergesCommitsTheMergesABulkBuildNeeds()
    {
        _store.UpsertMany(Enumerable.Range(0, 1500).Select(i => Art("m" + i, "title " + i, string.Join(" ", Enumerable.Range(0, 40).Select(k => "w" + (i * k % 97))))).ToList());
        var options = new IndexManagerOptions { BackgroundMerges = true, RamBufferBytes = 64 << 10, CatchUpOnOpen = false };
        using (var m = IndexManager.Open(IndexFolder, _store, Engine, TestAnalysis.For, TestAnalysis.Signature, options))
        {
            m.Reindex();
            m.WaitForMerges();
        }
        using var reopened = IndexManager.Open(IndexFolder, _store, Engine, TestAnalysis.For, TestAnalysis.Signature,
            new IndexManagerOptions { BackgroundMerges = false });
        var stats = reopened.GetStats();
        Assert.That(stats.NumDocs, Is.EqualTo(1500));
        // Each flush held well under 100 of the 1,500 articles; ten segments per tier is what the policy allows.
        Assert.That(stats.Segments, Has.Count.InRange(1, 10));
        Assert.That(stats.Segments.Max(s => s.MaxDoc), Is.GreaterThan(150), "merged, not just flushed");
    }

    [Test]
    public void TestReindexSwitchesToANewVersionAndDeletesTheOldOneWhenUnused()
    {
        _store.UpsertMany(Enumerable.Range(0, 50).Select(i => Art("a" + i, "title " + i, "body text " + i)).ToList());
        using var m = Open();
        string oldFolder = m.CurrentVersionFolder;
        var lease = m.AcquireSnapshot();
        m.Reindex();
        Assert.That(m.CurrentVersionFolder, Is.Not.EqualTo(oldFolder));
        Assert.That(Directory.Exists(oldFolder), Is.True, "a search still uses the old version");
        Assert.That(lease.Snapshot.LiveIds(), Has.Count.EqualTo(50), "the old snapshot stays readable");
        lease.Dispose();
        Assert.That(Directory.Exists(oldFolder), Is.False, "old version deleted when its last lease is released");
        using var l2 = m.AcquireSnapshot();
        Assert.That(l2.Snapshot.LiveIds(), Is.EquivalentTo(StoreIds()));
        Assert.That(File.ReadAllText(Path.Combine(IndexFolder, IndexManager.CurrentFileName)).Trim(), Is.EqualTo(Path.GetFileName(m.CurrentVersionFolder)));
    }

    [Test]
    public void TestSignatureMismatchRebuildsOrRefuses()
    {
        _store.UpsertMany([Art("a1", "one", "two"), Art("a2", "three", "four")]);
        string first;
        using (var m = Open()) first = m.CurrentVersionFolder;
        Assert.That(() => Open("other-analysis/v9", refuse: true), Throws.InvalidOperationException.With.Message.Contains("other-analysis/v9"));
        using var m2 = Open("other-analysis/v9");
        Assert.That(m2.CurrentVersionFolder, Is.Not.EqualTo(first), "rebuilt into a new version");
        Assert.That(_log.Any(l => l.Contains("rebuilding")), Is.True, "the rebuild is logged");
        using var lease = m2.AcquireSnapshot();
        Assert.That(lease.Snapshot.AnalysisSignature, Is.EqualTo("other-analysis/v9"));
        Assert.That(lease.Snapshot.LiveIds(), Is.EquivalentTo(new[] { "a1", "a2" }));
    }

    [Test]
    public void TestIndexOfAnotherFormatVersionIsRebuiltFromTheStore()
    {
        NativeOnly();
        _store.UpsertMany([Art("a1", "one", "two"), Art("a2", "three", "four")]);
        string first;
        using (var m = Open()) first = m.CurrentVersionFolder;
        foreach (var commit in Directory.GetFiles(first, "segments_*"))
            using (var fs = new FileStream(commit, FileMode.Open, FileAccess.Write)) { fs.Position = 8; fs.Write(BitConverter.GetBytes(IndexFormat.Version - 1)); }
        using var m2 = Open();
        Assert.That(m2.CurrentVersionFolder, Is.Not.EqualTo(first));
        Assert.That(Directory.Exists(first), Is.False, "the old-format version is removed");
        Assert.That(_log.Any(l => l.Contains("format version")), Is.True);
        using var lease = m2.AcquireSnapshot();
        Assert.That(lease.Snapshot.LiveIds(), Is.EquivalentTo(new[] { "a1", "a2" }));
    }

    [Test]
    public void TestSnapshotKeepsMergedAwayFilesUntilReleased()
    {
        NativeOnly();
        using var m = Open();
        for (int i = 0; i < 5; i++) { _store.Upsert(Art("a" + i, "t" + i, "b" + i)); m.CatchUp(); }
        var lease = m.AcquireSnapshot();
        var files = lease.Native().Commit.Segments.SelectMany(s => s.Files).Select(f => Path.Combine(m.CurrentVersionFolder, f.Name)).ToList();
        Assert.That(lease.Native().Segments, Has.Count.GreaterThan(1));
        m.ForceMerge();
        m.ForceMerge(); // a second commit pushes the old one out of the kept commits
        _store.Upsert(Art("z", "t", "b"));
        m.CatchUp();
        Assert.That(files.All(File.Exists), Is.True, "files of a leased snapshot survive merges");
        Assert.That(lease.Snapshot.LiveIds(), Has.Count.EqualTo(5));
        lease.Dispose();
        Assert.That(files.Any(File.Exists), Is.False, "released once no snapshot uses them");
        var stats = m.GetStats();
        Assert.That(stats.Segments, Has.Count.EqualTo(2));
        Assert.That(stats.NumDocs, Is.EqualTo(6));
        Assert.That(stats.BytesPerFileKind.Keys, Is.SupersetOf(new[] { "tim", "tip", "doc", "pos", "nrm", "dv", "ids", "si", "segments" }));
        Assert.That(stats.TermsPerField[NewsFields.Id], Is.EqualTo(6));
    }

    [Test]
    public void TestBackgroundRefreshPublishesNewArticles()
    {
        using var m = IndexManager.Open(IndexFolder, _store, Engine, TestAnalysis.For, TestAnalysis.Signature,
            new IndexManagerOptions { RefreshInterval = TimeSpan.FromMilliseconds(50) });
        m.StartBackgroundRefresh();
        _store.Upsert(Art("n1", "fresh", "news"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            using var lease = m.AcquireSnapshot();
            if (lease.Snapshot.NumDocs == 1) break;
            Thread.Sleep(20);
        }
        using var l = m.AcquireSnapshot();
        Assert.That(l.Snapshot.LiveIds(), Is.EquivalentTo(new[] { "n1" }));
    }

    [Test]
    public void TestVersionFolderNamesItsEngine()
    {
        _store.Upsert(Art("a1", "one", "two"));
        using var m = Open();
        Assert.That(IndexManager.ReadVersionEngine(m.CurrentVersionFolder), Is.EqualTo(engineName));
        Assert.That(m.GetStats().Engine, Is.EqualTo(engineName));
    }

    [Test]
    public void TestVersionOfAnotherEngineIsRebuiltWithThisOne()
    {
        _store.UpsertMany([Art("a1", "one", "two"), Art("a2", "three", "four")]);
        string first;
        using (var m = Open()) first = m.CurrentVersionFolder;
        // What a conversion interrupted between the CURRENT switch and datafolder.json leaves behind.
        File.WriteAllText(Path.Combine(first, IndexManager.EngineFileName), "some-other-engine\n");
        using var m2 = Open();
        Assert.That(m2.CurrentVersionFolder, Is.Not.EqualTo(first));
        Assert.That(m2.RebuiltOnOpen, Is.True);
        Assert.That(Directory.Exists(first), Is.False, "the other engine's version is removed");
        using var lease = m2.AcquireSnapshot();
        Assert.That(lease.Snapshot.Engine, Is.EqualTo(engineName));
        Assert.That(lease.Snapshot.LiveIds(), Is.EquivalentTo(new[] { "a1", "a2" }));
    }

    [Test]
    public void TestReindexIntoEveryEngineConverts()
    {
        _store.UpsertMany(Enumerable.Range(0, 20).Select(i => Art("a" + i, "title " + i, "body text " + i)).ToList());
        using var m = Open();
        foreach (var target in EngineCases.All)
        {
            m.Reindex(engine: EngineCases.Get(target));
            Assert.That(m.Engine.Name, Is.EqualTo(target));
            Assert.That(IndexManager.ReadVersionEngine(m.CurrentVersionFolder), Is.EqualTo(target));
            using var lease = m.AcquireSnapshot();
            Assert.That(lease.Snapshot.Engine, Is.EqualTo(target));
            Assert.That(lease.Snapshot.LiveIds(), Is.EquivalentTo(StoreIds()));
        }
    }

    [Test]
    public void TestCheckFindsNoProblemInAFreshIndexAndOneInAFlippedByte()
    {
        _store.UpsertMany(Enumerable.Range(0, 30).Select(i => Art("a" + i, "title " + i, "body text " + i)).ToList());
        string folder;
        using (var m = Open()) { m.ForceMerge(); folder = m.CurrentVersionFolder; }
        var ok = Engine.Check(folder);
        Assert.That(ok.Problems, Is.Empty);
        Assert.That(ok.Ok, Is.True);
        Assert.That(ok.NumDocs, Is.EqualTo(30));
        foreach (var file in Directory.GetFiles(folder).Where(f => !f.EndsWith(IndexManager.EngineFileName) && !f.EndsWith("write.lock") && new FileInfo(f).Length > 0))
        {
            var bytes = File.ReadAllBytes(file);
            int at = bytes.Length / 2;
            bytes[at] ^= 0x10;
            File.WriteAllBytes(file, bytes);
            var bad = Engine.Check(folder);
            Assert.That(bad.Ok, Is.False, $"a flipped byte in {Path.GetFileName(file)} is found");
            Assert.That(bad.Problems, Is.Not.Empty);
            bytes[at] ^= 0x10;
            File.WriteAllBytes(file, bytes);
        }
        Assert.That(Engine.Check(folder).Ok, Is.True, "restored");
    }
}
