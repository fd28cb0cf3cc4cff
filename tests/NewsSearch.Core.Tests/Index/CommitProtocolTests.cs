using NUnit.Framework;
using NewsSearch.Core.Index;
using static NewsSearch.Core.Tests.Index.IndexTestKit;

namespace NewsSearch.Core.Tests.Index;

public class CommitProtocolTests : TempFolderTest
{
    /// <summary>Two commits: the first with docs a,b; the second adds c in a new segment.</summary>
    private (CommitPoint First, CommitPoint Second) TwoCommits()
    {
        using var w = IndexWriter.Open(Folder, Config());
        w.AddDocument(MakeDoc("a", "t", "x y"));
        w.AddDocument(MakeDoc("b", "t", "y z"));
        var first = w.Commit(1);
        w.AddDocument(MakeDoc("c", "t", "z"));
        var second = w.Commit(2);
        return (first, second);
    }

    private static void FlipByte(string path, long offset)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        fs.Position = offset;
        int b = fs.ReadByte();
        fs.Position = offset;
        fs.WriteByte((byte)(b ^ 0x40));
    }

    [Test]
    public void TestCorruptSegmentFileIsNamedAndRefusedWhenNoCommitAvoidsIt()
    {
        var (first, _) = TwoCommits();
        string victim = first.Segments[0].Files.First(f => f.Name.EndsWith(".doc") || f.Name.EndsWith(".pos")).Name;
        FlipByte(Path.Combine(Folder, victim), 14);
        var e = Assert.Throws<IndexCorruptException>(() => IndexSnapshot.Open(Folder))!;
        Assert.That(e.FileName, Is.EqualTo(victim));
        Assert.That(e.Message, Does.Contain(victim));
        Assert.Throws<IndexCorruptException>(() => IndexWriter.Open(Folder, Config()).Dispose());
    }

    [Test]
    public void TestCorruptFileOfTheNewestCommitFallsBackToThePreviousCommit()
    {
        var (_, second) = TwoCommits();
        string victim = second.Segments[1].Files.First(f => f.Name.EndsWith(".tim")).Name;
        FlipByte(Path.Combine(Folder, victim), 13);
        var log = new List<string>();
        using var s = IndexSnapshot.Open(Folder, log: log.Add);
        Assert.That(s.Generation, Is.EqualTo(1));
        Assert.That(s.StoreSequence, Is.EqualTo(1));
        Assert.That(s.LiveIds(), Is.EquivalentTo(new[] { "a", "b" }));
        Assert.That(log.Any(l => l.Contains(victim)), Is.True, "the broken file is reported by name");
    }

    [Test]
    public void TestTruncatedCommitPointIsSkipped()
    {
        var (_, second) = TwoCommits();
        string path = Path.Combine(Folder, second.FileName);
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write)) fs.SetLength(fs.Length - 3);
        using var s = IndexSnapshot.Open(Folder);
        Assert.That(s.Generation, Is.EqualTo(1));
    }

    [Test]
    public void TestTruncatedSegmentFileIsReported()
    {
        var (first, _) = TwoCommits();
        string victim = first.Segments[0].Files.First(f => f.Name.EndsWith(".tip")).Name;
        using (var fs = new FileStream(Path.Combine(Folder, victim), FileMode.Open, FileAccess.Write)) fs.SetLength(fs.Length - 1);
        var e = Assert.Throws<IndexCorruptException>(() => IndexSnapshot.Open(Folder))!;
        Assert.That(e.Message, Does.Contain(victim).And.Contain("truncated"));
    }

    [Test]
    public void TestWriterOpenRemovesLeftoversOfUnfinishedCommits()
    {
        TwoCommits();
        File.WriteAllText(Path.Combine(Folder, "pending_segments_3"), "partial");
        File.WriteAllText(Path.Combine(Folder, "_z.tim"), "half a segment");
        File.WriteAllText(Path.Combine(Folder, "notes.txt"), "not ours");
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            Assert.That(w.LastCommit.Generation, Is.EqualTo(2));
        }
        Assert.That(File.Exists(Path.Combine(Folder, "pending_segments_3")), Is.False);
        Assert.That(File.Exists(Path.Combine(Folder, "_z.tim")), Is.False);
        Assert.That(File.Exists(Path.Combine(Folder, "notes.txt")), Is.True, "files that are not ours are left alone");
    }

    [Test]
    public void TestSecondWriterIsRefusedByTheWriteLock()
    {
        using var w = IndexWriter.Open(Folder, Config());
        Assert.Throws<IndexLockedException>(() => IndexWriter.Open(Folder, Config()));
    }

    [Test]
    public void TestUncommittedDocumentsAreNotVisibleAndOnlyKeptCommitsRemain()
    {
        using (var w = IndexWriter.Open(Folder, Config()))
        {
            for (int i = 0; i < 4; i++) { w.AddDocument(MakeDoc("d" + i, "t", "b")); w.Commit(i + 1); }
            w.AddDocument(MakeDoc("lost", "t", "b"));
        }
        Assert.That(CommitPoint.ListGenerations(Folder), Is.EqualTo(new long[] { 4, 3 }), "the newest two commits are kept");
        using var s = IndexSnapshot.Open(Folder);
        Assert.That(s.LiveIds(), Is.EquivalentTo(new[] { "d0", "d1", "d2", "d3" }));
    }

    [Test]
    public void TestCrc32CMatchesTheKnownCheckValue()
    {
        // CRC-32C("123456789") = 0xE3069283 (the standard check value of the Castagnoli polynomial).
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
    }
}

public class BitPackingTests
{
    [Test]
    public unsafe void TestPatchedBlocksRoundTripAndSkip()
    {
        var rng = new Random(5);
        var buffer = new NewsSearch.Core.Index.ByteBuffer();
        var blocks = new List<int[]>();
        for (int k = 0; k < 200; k++)
        {
            var values = new int[128];
            int kind = k % 5;
            for (int i = 0; i < 128; i++)
                values[i] = kind switch
                {
                    0 => 0,
                    1 => rng.Next(1 << rng.Next(1, 31)),
                    2 => rng.Next(100) == 0 ? rng.Next(int.MaxValue) : rng.Next(8), // outliers: exceptions
                    3 => int.MaxValue - rng.Next(3),
                    _ => rng.Next(1000),
                };
            blocks.Add(values);
            NewsSearch.Core.Index.BitPacking.Pack(values, buffer);
        }
        var bytes = buffer.Span.ToArray().Concat(new byte[8]).ToArray();
        fixed (byte* p = bytes)
        {
            long pos = 0, skipPos = 0;
            var decoded = new int[128];
            foreach (var expected in blocks)
            {
                NewsSearch.Core.Index.BitPacking.Unpack(p, ref pos, decoded);
                Assert.That(decoded, Is.EqualTo(expected));
                NewsSearch.Core.Index.BitPacking.Skip(p, ref skipPos);
                Assert.That(skipPos, Is.EqualTo(pos));
            }
        }
        Assert.That(buffer.Length, Is.LessThan(200 * 128 * 4));
    }

    [Test]
    public unsafe void TestEveryWidthRoundTrips()
    {
        // Each width has its own gather offsets and shifts (vector path up to 25 bits, scalar above).
        var rng = new Random(11);
        for (int width = 1; width <= 31; width++)
        {
            var buffer = new NewsSearch.Core.Index.ByteBuffer();
            var values = new int[128];
            int max = (int)((1L << width) - 1);
            for (int i = 0; i < 128; i++) values[i] = i % 3 == 0 ? max : rng.Next(max) + 1;
            NewsSearch.Core.Index.BitPacking.Pack(values, buffer);
            var bytes = buffer.Span.ToArray().Concat(new byte[8]).ToArray();
            var decoded = new int[128];
            long pos = 0;
            fixed (byte* p = bytes) NewsSearch.Core.Index.BitPacking.Unpack(p, ref pos, decoded);
            Assert.That(decoded, Is.EqualTo(values), $"width {width}");
            Assert.That(pos, Is.EqualTo(buffer.Length), $"width {width}");
        }
    }
}
