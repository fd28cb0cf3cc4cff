using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace NewsSearch.Core.Index;

/// <summary>
/// A file of the index failed validation (bad header, wrong format version, truncated, checksum mismatch).
/// <see cref="FileName"/> names the file so the operator knows what is broken.
/// </summary>
public sealed class IndexCorruptException(string fileName, string message, Exception? inner = null, bool formatMismatch = false)
    : IOException($"Index file '{fileName}' is corrupt: {message}", inner)
{
    public string FileName { get; } = fileName;

    /// <summary>The file is intact but written by another format version (rebuild rather than repair).</summary>
    public bool FormatMismatch { get; } = formatMismatch;
}

/// <summary>Constants and naming of the on-disk format (see docs/index.md).</summary>
public static class IndexFormat
{
    /// <summary>Bumped whenever any file layout changes; older or newer indexes are refused (and rebuilt by the manager).</summary>
    public const int Version = 6; // 2: positions in packed 128-blocks; 3: patched blocks (exceptions); 4: compact term entries, 64-term blocks, inline single positions; 5: dense terms' doc bitsets; 6: impacts (score bounds) in the skip data

    internal const uint HeaderMagic = 0x5849534E; // "NSIX" little-endian
    internal const uint FooterMagic = 0x444E4558; // "XEND"
    internal const int HeaderLength = 12;        // magic, kind, version
    internal const int FooterLength = 8;         // magic, crc32c

    /// <summary>Postings are encoded in blocks of this many docs (bit-packed), the tail as vInts.</summary>
    internal const int BlockSize = 128;

    /// <summary>
    /// A term in at least one in <see cref="DenseDocsRatio"/> documents of a segment of at least
    /// <see cref="DenseMinMaxDoc"/> documents also stores its documents as a bitset (one bit per document, in
    /// front of its postings): counting it is then a word-wise OR instead of decoding every posting. Both sides
    /// decide from the doc freq and the segment size, so nothing marks it.
    /// </summary>
    internal static bool IsDense(int docFreq, int maxDoc) =>
        maxDoc >= DenseMinMaxDoc && (long)docFreq * DenseDocsRatio >= maxDoc;

    internal const int DenseDocsRatio = 8;
    internal const int DenseMinMaxDoc = 4096;

    /// <summary>Bytes of a dense term's bitset: 64-bit little-endian words covering every document.</summary>
    internal static long DenseDocsBytes(int maxDoc) => 8L * ((maxDoc + 63) >> 6);

    /// <summary>Terms per term-dictionary block (one index entry per block).</summary>
    internal const int TermBlockSize = 64;

    /// <summary>Longer terms are dropped at indexing (they are noise, and lookups use a stack buffer).</summary>
    public const int MaxTermLength = 255;

    public const string CommitPrefix = "segments_";
    public const string PendingCommitPrefix = "pending_segments_";
    public const string WriteLockName = "write.lock";

    // File kinds (extensions) of a segment.
    public const string SegmentInfoExt = "si";
    public const string TermsExt = "tim";
    public const string TermsIndexExt = "tip";
    public const string DocsExt = "doc";
    public const string PositionsExt = "pos";
    public const string NormsExt = "nrm";
    public const string DocValuesExt = "dv";
    public const string IdsExt = "ids";
    public const string DeletesExt = "del";

    internal static readonly string[] SegmentExts = [SegmentInfoExt, TermsExt, TermsIndexExt, DocsExt, PositionsExt, NormsExt, DocValuesExt, IdsExt];

    internal static uint KindCode(string ext)
    {
        Span<byte> b = stackalloc byte[4];
        b.Clear();
        Encoding.ASCII.GetBytes(ext.AsSpan(0, Math.Min(4, ext.Length)), b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public static string SegmentFile(string segment, string ext) => $"{segment}.{ext}";

    public static string DeletesFile(string segment, long delGen) => $"{segment}_{ToBase36(delGen)}.{DeletesExt}";

    public static string CommitFile(long generation) => CommitPrefix + ToBase36(generation);

    public static string SegmentName(long counter) => "_" + ToBase36(counter);

    internal static string ToBase36(long v)
    {
        if (v == 0) return "0";
        Span<char> buf = stackalloc char[16];
        int i = buf.Length;
        while (v > 0) { int d = (int)(v % 36); buf[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10); v /= 36; }
        return new string(buf[i..]);
    }

    internal static bool TryParseBase36(ReadOnlySpan<char> s, out long v)
    {
        v = 0;
        if (s.IsEmpty || s.Length > 12) return false;
        foreach (char c in s)
        {
            int d = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
            if (d < 0) return false;
            v = v * 36 + d;
        }
        return true;
    }

    /// <summary>The kind of an index file for statistics ("tim", "del", "segments", ...), null if not ours.</summary>
    public static string? FileKind(string fileName)
    {
        if (fileName.StartsWith(CommitPrefix, StringComparison.Ordinal)) return "segments";
        if (fileName.StartsWith('_'))
        {
            int dot = fileName.LastIndexOf('.');
            return dot > 0 ? fileName[(dot + 1)..] : null;
        }
        return null;
    }

    /// <summary>True for names the index writes (so cleanup never touches anything else).</summary>
    internal static bool IsIndexFile(string fileName) =>
        fileName.StartsWith(CommitPrefix, StringComparison.Ordinal)
        || fileName.StartsWith(PendingCommitPrefix, StringComparison.Ordinal)
        || (fileName.StartsWith('_') && fileName.Contains('.'));

    /// <summary>fsync of a folder so a rename or create in it is durable (POSIX only; a no-op elsewhere).</summary>
    internal static void SyncDirectory(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Native.open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: some file systems refuse opening folders
        try { Native.fsync(fd); } finally { Native.close(fd); }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
#pragma warning disable CA2101, SYSLIB1054 // plain ASCII/UTF-8 paths; DllImport keeps this tiny
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);
        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
#pragma warning restore CA2101, SYSLIB1054
    }
}
