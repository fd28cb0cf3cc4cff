using System.Globalization;
using Lucene.Net.Codecs;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using NewsSearch.Core.Engine;
using NewsSearch.Core.Index;
using LDirectory = Lucene.Net.Store.Directory;
using LIndexSearcher = Lucene.Net.Search.IndexSearcher;

using DirectoryReader = Lucene.Net.Index.DirectoryReader;
using SegmentReader = Lucene.Net.Index.SegmentReader;
using AtomicReader = Lucene.Net.Index.AtomicReader;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// The Lucene.Net 4.8 engine: a standard Lucene 4.8 index (Lucene46 codec, compound files off) in one folder,
/// written with our analysis chains (<see cref="NewsLuceneAnalyzer"/>), scored with BM25Similarity(1.2, 0.75),
/// read through memory mappings (MappedDirectory). Commits carry their user data (store sequence, analysis signature, engine, format).
/// </summary>
public sealed class LuceneIndexEngine : IIndexEngine
{
    public const float K1 = 1.2f, B = 0.75f;

    /// <summary>Commit user data keys.</summary>
    internal const string StoreSequenceKey = "storeSequence", AnalysisSignatureKey = "analysisSignature",
        EngineKey = "engine", FormatKey = "format";

    public const string FormatName = "lucene/4.8";

    public string Name => EngineNames.Lucene;

    public string Format => FormatName;

    /// <summary>One similarity for writing (norms) and searching.</summary>
    internal static readonly BM25Similarity Similarity = new(K1, B);

    public IEngineWriter OpenWriter(string folder, EngineWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        System.IO.Directory.CreateDirectory(folder);
        return new LuceneEngineWriter(folder, options);
    }

    public IEngineSnapshot? OpenReadOnly(string folder, bool verifyChecksums = false)
    {
        if (!System.IO.Directory.Exists(folder)) return null;
        var dir = LuceneDirectories.Open(folder);
        try
        {
            if (!DirectoryReader.IndexExists(dir)) { dir.Dispose(); return null; }
            var reader = OpenReader(dir, folder);
            if (verifyChecksums)
            {
                try
                {
                    // Lucene 4.8 recomputes every file's checksum per segment.
                    foreach (var leaf in reader.Leaves) leaf.AtomicReader.CheckIntegrity();
                }
                catch (Exception e) when (e is CorruptIndexException or EndOfStreamException)
                {
                    reader.Dispose();
                    throw new IndexCorruptException(folder, e.Message, e);
                }
            }
            var commit = ReadCommit(reader.IndexCommit.UserData, reader.IndexCommit.Generation, folder);
            var searcher = new LIndexSearcher(reader) { Similarity = Similarity };
            return new LuceneSnapshot(searcher, commit, () => { reader.Dispose(); dir.Dispose(); });
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    public EngineCheckResult Check(string folder)
    {
        if (!System.IO.Directory.Exists(folder)) return new EngineCheckResult(true, Name, 0, 0, []);
        using var dir = LuceneDirectories.Open(folder);
        try
        {
            if (!DirectoryReader.IndexExists(dir)) return new EngineCheckResult(true, Name, 0, 0, []);
        }
        catch (IOException e)
        {
            return new EngineCheckResult(false, Name, 0, 0, [e.Message]);
        }
        var log = new StringWriter(CultureInfo.InvariantCulture);
        var checker = new CheckIndex(dir) { InfoStream = log };
        CheckIndex.Status status;
        try
        {
            status = checker.DoCheckIndex();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            return new EngineCheckResult(false, Name, 0, 0, [e.Message]);
        }
        var problems = new List<string>();
        if (!status.Clean)
        {
            if (status.MissingSegments) problems.Add("the newest commit (segments_N) cannot be read");
            if (status.CantOpenSegments) problems.Add("the segments file cannot be opened");
            // CheckIndex prints each failed test as "FAILED" / "ERROR" lines with the exception; keep those.
            foreach (var line in log.ToString().Split('\n'))
            {
                string l = line.Trim();
                if (l.Contains("FAILED", StringComparison.Ordinal) || l.StartsWith("ERROR", StringComparison.Ordinal)
                    || l.Contains("Exception", StringComparison.Ordinal) || l.StartsWith("WARNING", StringComparison.Ordinal))
                    problems.Add(l);
            }
            if (problems.Count == 0) problems.Add($"CheckIndex: {status.NumBadSegments} broken segment(s)");
        }
        // CheckIndex reads the commit but not segments.gen (Lucene falls back to listing the folder when that
        // hint is bad); a flipped byte there is still damage to report.
        if (CheckSegmentsGen(dir) is { } genProblem) problems.Add(genProblem);
        long generation = SegmentInfos.GetLastCommitGeneration(dir);
        int numDocs = 0;
        if (status.SegmentInfos is { } infos)
            foreach (var s in infos) numDocs += s.DocCount - s.NumDeleted;
        return new EngineCheckResult(problems.Count == 0, Name, generation, numDocs, problems);
    }

    private static string? CheckSegmentsGen(LDirectory dir)
    {
        string name = IndexFileNames.SEGMENTS_GEN;
        var file = new FileInfo(Path.Combine(((FSDirectory)dir).Directory.FullName, name));
        if (!file.Exists) return null;
        // Shorter than a whole hint: a write cut off by a crash (the file is recreated empty, then written). Lucene
        // ignores such a hint and lists the folder, and the next commit rewrites it, so it is not damage; a flipped
        // byte keeps the length and fails the checksum below.
        if (file.Length < 4 + 8 + 8 + CodecUtil.FooterLength()) return null;
        try
        {
            using var input = dir.OpenChecksumInput(name, IOContext.READ_ONCE);
            int format = input.ReadInt32();
            long gen0 = input.ReadInt64(), gen1 = input.ReadInt64();
            if (format != SegmentInfos.FORMAT_SEGMENTS_GEN_CURRENT) return $"{name}: unknown format {format}";
            CodecUtil.CheckFooter(input);
            if (gen0 != gen1) return $"{name}: its two generations differ ({gen0}, {gen1})";
            return null;
        }
        catch (Exception e) when (e is IOException or CorruptIndexException)
        {
            return $"{name}: {e.Message}";
        }
    }

    internal static DirectoryReader OpenReader(LDirectory dir, string folder)
    {
        RequireLuceneCommit(dir, folder);
        try
        {
            return DirectoryReader.Open(dir);
        }
        catch (Exception e) when (e is IndexFormatTooOldException or IndexFormatTooNewException)
        {
            throw new IndexCorruptException(folder, "not a Lucene 4.8 index: " + e.Message, e, formatMismatch: true);
        }
        catch (Exception e) when (e is CorruptIndexException or EndOfStreamException)
        {
            throw new IndexCorruptException(folder, e.Message, e);
        }
    }

    /// <summary>
    /// Refuses a folder whose newest segments_N is not a Lucene 4.x commit (it does not start with Lucene's codec
    /// magic), e.g. a native index: another format, to be rebuilt rather than repaired.
    /// </summary>
    internal static void RequireLuceneCommit(LDirectory dir, string folder)
    {
        string? name = SegmentInfos.GetLastCommitSegmentsFileName(dir);
        if (name is null) return;
        var bytes = new byte[4];
        using (var f = File.OpenRead(Path.Combine(folder, name)))
            // A commit cut short by a crash: Lucene falls back to the previous one (and the writer deletes it).
            if (f.Read(bytes, 0, 4) < 4) return;
        int magic = bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
        if (magic != global::Lucene.Net.Codecs.CodecUtil.CODEC_MAGIC)
            throw new IndexCorruptException(name, $"is not a Lucene 4.8 commit (this folder holds another index format)", formatMismatch: true);
    }

    /// <summary>The commit a reader or writer sees, from its user data; a commit of another format is refused.</summary>
    internal static EngineCommit ReadCommit(IDictionary<string, string> userData, long generation, string folder)
    {
        userData.TryGetValue(FormatKey, out var format);
        if (format is not null && format != FormatName)
            throw new IndexCorruptException(folder, $"commit format '{format}', this build reads {FormatName}", formatMismatch: true);
        userData.TryGetValue(EngineKey, out var engine);
        if (engine is not null && engine != EngineNames.Lucene)
            throw new IndexCorruptException(folder, $"written by engine '{engine}'", formatMismatch: true);
        long seq = userData.TryGetValue(StoreSequenceKey, out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;
        string signature = userData.TryGetValue(AnalysisSignatureKey, out var sig) ? sig : "";
        return new EngineCommit(generation, seq, signature, EngineNames.Lucene, FormatName);
    }
}
