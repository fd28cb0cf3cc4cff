using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace NewsSearch.Core.Analysis;

/// <summary>Analysis data could not be loaded (missing or malformed dictionary); the message says what to do.</summary>
public sealed class AnalysisLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Turns jieba's dict.txt (+ the user dictionary) and finalseg's tables into the in-memory model, and keeps a
/// compiled binary image of it under {cache}/analysis-cache/ named by the hash of all inputs, so that a later
/// process loads it with a few bulk reads instead of parsing 6 MB of text.
/// </summary>
internal static class DictionaryCompiler
{
    private const uint Magic = 0x43415A4E; // "NZAC"
    private const int FormatVersion = 1;
    internal const string CacheFolderName = "analysis-cache";

    internal sealed record Inputs(string DictionaryPath, string? UserDictionaryPath, string HmmFolder);

    internal sealed record Compiled(PrefixDictionary Dictionary, HmmModel Hmm, string Hash, bool FromCache, string? CachePath);

    public static Inputs Resolve(AnalysisOptions options)
    {
        string dict = options.DictionaryPath ?? AnalysisOptions.DefaultDictionaryPath;
        if (!File.Exists(dict))
            throw new AnalysisLoadException(
                $"jieba dictionary not found at '{dict}'. Install it with `apt-get install python3-jieba` " +
                "(Debian/Ubuntu), or point to a dict.txt with --dict <path> (AnalysisOptions.DictionaryPath).");
        string hmm = options.HmmFolder
            ?? (Directory.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dict))!, "finalseg"))
                ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dict))!, "finalseg")
                : Path.Combine(Path.GetDirectoryName(AnalysisOptions.DefaultDictionaryPath)!, "finalseg"));
        foreach (var f in HmmFiles)
            if (!File.Exists(Path.Combine(hmm, f)))
                throw new AnalysisLoadException(
                    $"jieba HMM table '{Path.Combine(hmm, f)}' not found. Install it with `apt-get install python3-jieba`, " +
                    "or set AnalysisOptions.HmmFolder to a folder holding finalseg's prob_start.py, prob_trans.py, prob_emit.py.");
        string? user = options.UserDictionaryPath;
        if (user != null && !File.Exists(user))
            throw new AnalysisLoadException($"user dictionary not found at '{user}' (one word per line: `word [freq]`).");
        return new Inputs(dict, user, hmm);
    }

    private static readonly string[] HmmFiles = ["prob_start.py", "prob_trans.py", "prob_emit.py"];

    /// <summary>Hash of everything that changes segmentation: the analysis version, dictionary, user dictionary, HMM tables.</summary>
    public static string Hash(Inputs inputs)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{NewsAnalysis.AnalyzerName}/v{NewsAnalysis.AnalyzerVersion}\n"));
        AppendFile(sha, inputs.DictionaryPath);
        sha.AppendData("\0user\0"u8);
        if (inputs.UserDictionaryPath != null) AppendFile(sha, inputs.UserDictionaryPath);
        foreach (var f in HmmFiles)
        {
            sha.AppendData("\0hmm\0"u8);
            AppendFile(sha, Path.Combine(inputs.HmmFolder, f));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static void AppendFile(IncrementalHash sha, string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buf = new byte[1 << 16];
        int n;
        while ((n = fs.Read(buf, 0, buf.Length)) > 0) sha.AppendData(buf, 0, n);
    }

    public static Compiled Load(AnalysisOptions options)
    {
        var inputs = Resolve(options);
        string hash = Hash(inputs);
        string? cachePath = options.CacheDirectory == null
            ? null
            : Path.Combine(options.CacheDirectory, CacheFolderName, $"{NewsAnalysis.AnalyzerName}-{hash}.bin");
        if (cachePath != null && File.Exists(cachePath))
        {
            try
            {
                var (d, h) = ReadCache(cachePath);
                return new Compiled(d, h, hash, true, cachePath);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // A torn or foreign file: rebuild it below.
            }
        }
        var dict = BuildDictionary(inputs);
        HmmModel hmm;
        try { hmm = HmmModel.LoadFromPython(inputs.HmmFolder); }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidCastException)
        {
            throw new AnalysisLoadException($"jieba HMM tables in '{inputs.HmmFolder}' are malformed: {e.Message}", e);
        }
        if (cachePath != null)
        {
            try { WriteCache(cachePath, dict, hmm); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The cache is an optimisation: an unwritable data folder only costs load time.
            }
        }
        return new Compiled(dict, hmm, hash, false, cachePath);
    }

    private static PrefixDictionary BuildDictionary(Inputs inputs)
    {
        var b = new PrefixDictionary.Builder();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(inputs.DictionaryPath, Encoding.UTF8))
        {
            lineNo++;
            var line = raw.AsSpan().Trim();
            if (line.IsEmpty) continue;
            int sp = line.IndexOf(' ');
            if (sp <= 0) throw Bad(inputs.DictionaryPath, lineNo, raw);
            var rest = line[(sp + 1)..];
            int sp2 = rest.IndexOf(' ');
            var freqText = sp2 < 0 ? rest : rest[..sp2];
            if (!long.TryParse(freqText, out long freq) || freq < 0) throw Bad(inputs.DictionaryPath, lineNo, raw);
            b.Add(line[..sp], freq);
        }
        if (inputs.UserDictionaryPath != null) AddUserWords(b, inputs.UserDictionaryPath);
        try { return b.Build(); }
        catch (InvalidDataException e) { throw new AnalysisLoadException($"{inputs.DictionaryPath}: {e.Message}", e); }
    }

    private static AnalysisLoadException Bad(string path, int line, string text) =>
        new($"invalid dictionary entry in '{path}' at line {line}: '{text}' (expected `word freq [tag]`)");

    /// <summary>
    /// User words are normalized like the text they must match (NFKC, lowercase). Without a frequency, a word gets
    /// jieba's suggest_freq: just enough that the route prefers it over the pieces it would otherwise be cut into.
    /// </summary>
    private static void AddUserWords(PrefixDictionary.Builder b, string path)
    {
        var norm = new TextNormalizer();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path, Encoding.UTF8))
        {
            lineNo++;
            var line = raw.AsSpan().Trim();
            if (line.IsEmpty || line[0] == '#') continue;
            int sp = line.IndexOfAny(' ', '\t');
            var wordRaw = sp < 0 ? line : line[..sp];
            long freq = -1;
            if (sp > 0)
            {
                var rest = line[(sp + 1)..].TrimStart();
                int sp2 = rest.IndexOfAny(' ', '\t');
                var f = sp2 < 0 ? rest : rest[..sp2];
                if (long.TryParse(f, out long v) && v >= 0) freq = v;
            }
            norm.Normalize(wordRaw);
            var word = norm.Text.ToString();
            if (word.Length == 0) continue;
            if (freq < 0) freq = SuggestFreq(b, word);
            b.Add(word, freq);
        }
    }

    /// <summary>jieba's suggest_freq(word, tune=False): max(int(P(pieces) · total) + 1, freq(word)).</summary>
    internal static long SuggestFreq(PrefixDictionary.Builder b, string word)
    {
        double total = b.Total;
        double logTotal = Math.Log(total);
        int n = word.Length;
        var route = new double[n + 1];
        var next = new int[n + 1];
        for (int idx = n - 1; idx >= 0; idx--)
        {
            double best = 0;
            int bestEnd = -1;
            for (int j = idx; j < n; j++)
            {
                long f = b.Freq(word.AsSpan(idx, j - idx + 1));
                if (f <= 0) continue;
                double cand = Math.Log(f) - logTotal + route[j + 1];
                if (bestEnd < 0 || cand >= best) { best = cand; bestEnd = j; }
            }
            if (bestEnd < 0) { best = -logTotal + route[idx + 1]; bestEnd = idx; }
            route[idx] = best;
            next[idx] = bestEnd;
        }
        double p = 1;
        for (int x = 0; x < n;)
        {
            int y = next[x] + 1;
            p *= Math.Max(b.Freq(word.AsSpan(x, y - x)), 1) / total;
            x = y;
        }
        return Math.Max((long)(p * total) + 1, Math.Max(b.Freq(word), 1));
    }

    // ---- binary cache: header, then raw little-endian arrays read straight into their final arrays ----

    private static void WriteCache(string path, PrefixDictionary d, HmmModel h)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string tmp = path + "." + Environment.ProcessId + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> header = stackalloc byte[32];
            BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], FormatVersion);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], d.Total);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], d.NodeCount);
            BinaryPrimitives.WriteInt32LittleEndian(header[20..], d.Edges.Length);
            BinaryPrimitives.WriteInt32LittleEndian(header[24..], BitConverter.IsLittleEndian ? 1 : 0);
            fs.Write(header);
            fs.Write(MemoryMarshal.AsBytes(d.RootChildren.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(d.Edges.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(d.LogProb.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(h.Start.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(h.Trans.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(h.Emit.AsSpan()));
            fs.Write(BitConverter.GetBytes(Magic));
        }
        File.Move(tmp, path, overwrite: true);
        // Caches of other dictionaries are dead weight once this one exists.
        foreach (var old in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, $"{NewsAnalysis.AnalyzerName}-*.bin"))
            if (!string.Equals(old, path, StringComparison.Ordinal))
                try { File.Delete(old); } catch (IOException) { }
    }

    private static (PrefixDictionary, HmmModel) ReadCache(string path)
    {
        if (!BitConverter.IsLittleEndian) throw new InvalidDataException("cache is little-endian only");
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        Span<byte> header = stackalloc byte[32];
        fs.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != FormatVersion)
            throw new InvalidDataException("not an analysis cache of this version");
        long total = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        int nodes = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        int edges = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        long expected = 32L + 65536 * 4 + (long)edges * 8 + (long)nodes * 8 + (4 + 16 + 4 * 65536) * 8 + 4;
        if (total <= 0 || nodes <= 0 || edges <= 0 || fs.Length != expected)
            throw new InvalidDataException("analysis cache has the wrong size");
        var root = new int[65536];
        var edgeTable = new ulong[edges];
        var logProb = new double[nodes];
        var start = new double[4];
        var trans = new double[16];
        var emit = new double[4 * 65536];
        fs.ReadExactly(MemoryMarshal.AsBytes(root.AsSpan()));
        fs.ReadExactly(MemoryMarshal.AsBytes(edgeTable.AsSpan()));
        fs.ReadExactly(MemoryMarshal.AsBytes(logProb.AsSpan()));
        fs.ReadExactly(MemoryMarshal.AsBytes(start.AsSpan()));
        fs.ReadExactly(MemoryMarshal.AsBytes(trans.AsSpan()));
        fs.ReadExactly(MemoryMarshal.AsBytes(emit.AsSpan()));
        Span<byte> tail = stackalloc byte[4];
        fs.ReadExactly(tail);
        if (BinaryPrimitives.ReadUInt32LittleEndian(tail) != Magic) throw new InvalidDataException("analysis cache is truncated");
        return (new PrefixDictionary(root, edgeTable, logProb, total), new HmmModel(start, trans, emit));
    }
}
