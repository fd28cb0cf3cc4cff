namespace NewsSearch.Core.Index;

/// <summary>One segment as a commit records it: its files (with lengths and checksums) and its deletions file.</summary>
public sealed class SegmentCommitInfo
{
    public required string Name { get; init; }
    public int MaxDoc { get; init; }
    public int DelCount { get; init; }
    /// <summary>Generation of the deletions file (0 = no deletions).</summary>
    public long DelGen { get; init; }
    public required IReadOnlyList<IndexFileInfo> Files { get; init; }
    public IndexFileInfo? DelFile { get; init; }

    public IEnumerable<IndexFileInfo> AllFiles => DelFile is { } d ? Files.Append(d) : Files;
}

/// <summary>
/// A commit point (Lucene's segments_N): the segments of one durable version of the index, the highest store
/// change sequence it contains, the analysis signature it was built with and the format version.
/// Written to pending_segments_N, fsynced, renamed to segments_N, then the folder is fsynced.
/// </summary>
public sealed class CommitPoint
{
    public long Generation { get; init; }
    public long StoreSequence { get; init; }
    public string AnalysisSignature { get; init; } = "";
    /// <summary>Next segment number to hand out (names are never reused).</summary>
    public long SegmentCounter { get; init; }
    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;
    public IReadOnlyList<SegmentCommitInfo> Segments { get; init; } = [];

    public string FileName => IndexFormat.CommitFile(Generation);

    /// <summary>Every file this commit needs, its own segments_N included.</summary>
    public IEnumerable<string> FileNames => Segments.SelectMany(s => s.AllFiles).Select(f => f.Name).Append(FileName);

    public int MaxDoc => Segments.Sum(s => s.MaxDoc);
    public int NumDocs => Segments.Sum(s => s.MaxDoc - s.DelCount);

    internal void Write(string folder)
    {
        string pending = Path.Combine(folder, IndexFormat.PendingCommitPrefix + IndexFormat.ToBase36(Generation));
        if (File.Exists(pending)) File.Delete(pending);
        using (var o = new IndexOutput(pending, "segs"))
        {
            o.WriteInt64(Generation);
            o.WriteInt64(StoreSequence);
            o.WriteString(AnalysisSignature);
            o.WriteInt64(SegmentCounter);
            o.WriteInt64(Timestamp.ToUnixTimeMilliseconds());
            o.WriteVInt(Segments.Count);
            foreach (var s in Segments)
            {
                o.WriteString(s.Name);
                o.WriteInt32(s.MaxDoc);
                o.WriteInt32(s.DelCount);
                o.WriteInt64(s.DelGen);
                o.WriteVInt(s.Files.Count);
                foreach (var f in s.Files) WriteFile(o, f);
                o.WriteByte(s.DelFile is null ? (byte)0 : (byte)1);
                if (s.DelFile is { } d) WriteFile(o, d);
            }
            o.Finish();
        }
        File.Move(pending, Path.Combine(folder, FileName), overwrite: false);
        IndexFormat.SyncDirectory(folder);
    }

    private static void WriteFile(IndexOutput o, IndexFileInfo f)
    {
        o.WriteString(f.Name);
        o.WriteInt64(f.Length);
        o.WriteUInt32(f.Checksum);
    }

    /// <summary>Reads and fully checks (CRC) one segments_N file.</summary>
    public static unsafe CommitPoint Read(string path)
    {
        using var f = MappedFile.Open(path, "segs");
        f.VerifyChecksum();
        byte* p = f.Pointer;
        long pos = IndexFormat.HeaderLength;
        long gen = Mem.ReadInt64(p, pos); pos += 8;
        long seq = Mem.ReadInt64(p, pos); pos += 8;
        string sig = Mem.ReadString(p, ref pos);
        long counter = Mem.ReadInt64(p, pos); pos += 8;
        long ts = Mem.ReadInt64(p, pos); pos += 8;
        int n = Mem.ReadVInt(p, ref pos);
        var segments = new List<SegmentCommitInfo>(n);
        for (int i = 0; i < n; i++)
        {
            string name = Mem.ReadString(p, ref pos);
            int maxDoc = Mem.ReadInt32(p, pos); pos += 4;
            int delCount = Mem.ReadInt32(p, pos); pos += 4;
            long delGen = Mem.ReadInt64(p, pos); pos += 8;
            int nf = Mem.ReadVInt(p, ref pos);
            var files = new List<IndexFileInfo>(nf);
            for (int k = 0; k < nf; k++) files.Add(ReadFile(p, ref pos));
            IndexFileInfo? del = p[pos++] != 0 ? ReadFile(p, ref pos) : null;
            segments.Add(new SegmentCommitInfo { Name = name, MaxDoc = maxDoc, DelCount = delCount, DelGen = delGen, Files = files, DelFile = del });
            if (pos > f.DataEnd) throw new IndexCorruptException(f.Name, "runs past its end");
        }
        if (gen != GenerationOf(Path.GetFileName(path)))
            throw new IndexCorruptException(f.Name, $"records generation {gen}");
        return new CommitPoint
        {
            Generation = gen, StoreSequence = seq, AnalysisSignature = sig, SegmentCounter = counter,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ts), Segments = segments,
        };
    }

    private static unsafe IndexFileInfo ReadFile(byte* p, ref long pos)
    {
        string name = Mem.ReadString(p, ref pos);
        long len = Mem.ReadInt64(p, pos); pos += 8;
        uint crc = (uint)Mem.ReadInt32(p, pos); pos += 4;
        return new IndexFileInfo(name, len, crc);
    }

    /// <summary>Generation of a segments_N name, -1 when the name is not one.</summary>
    public static long GenerationOf(string fileName) =>
        fileName.StartsWith(IndexFormat.CommitPrefix, StringComparison.Ordinal)
        && IndexFormat.TryParseBase36(fileName.AsSpan(IndexFormat.CommitPrefix.Length), out long g) ? g : -1;

    /// <summary>Commit generations present in a folder, newest first.</summary>
    public static List<long> ListGenerations(string folder)
    {
        var gens = new List<long>();
        if (!Directory.Exists(folder)) return gens;
        foreach (var path in Directory.EnumerateFiles(folder, IndexFormat.CommitPrefix + "*"))
        {
            long g = GenerationOf(Path.GetFileName(path));
            if (g >= 0) gens.Add(g);
        }
        gens.Sort((a, b) => b.CompareTo(a));
        return gens;
    }
}
