using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    private const int FormatVersion = 2;
    internal const string CacheFolderName = "analysis-cache";

    internal sealed record Inputs(string DictionaryPath, string? UserDictionaryPath, string HmmFolder);

    internal sealed record Compiled(PrefixDictionary Dictionary, HmmModel Hmm, string Hash, bool FromCache, string? CachePath)
    {
        public double HashMilliseconds { get; init; }
        public double ReadMilliseconds { get; init; }
    }

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
        var h = new ContentHash();
        h.Append(Encoding.UTF8.GetBytes($"{NewsAnalysis.AnalyzerName}/v{NewsAnalysis.AnalyzerVersion}/cache{FormatVersion}\n"));
        h.AppendFile(inputs.DictionaryPath);
        h.Append("\0user\0"u8);
        if (inputs.UserDictionaryPath != null) h.AppendFile(inputs.UserDictionaryPath);
        foreach (var f in HmmFiles)
        {
            h.Append("\0hmm\0"u8);
            h.AppendFile(Path.Combine(inputs.HmmFolder, f));
        }
        return h.Finish().ToString("x16");
    }

    private const string StampsFileName = "input-stamps.txt";

    /// <summary>
    /// The content hash, memoized by the inputs' (path, size, modification time): reading and hashing 6.5 MB on every
    /// start is the largest part of a cached load. Any change of size or time recomputes the hash from the content.
    /// </summary>
    private static string HashWithStamps(Inputs inputs, string cacheDirectory)
    {
        var stamp = new ContentHash();
        stamp.Append(Encoding.UTF8.GetBytes($"{NewsAnalysis.AnalyzerName}/v{NewsAnalysis.AnalyzerVersion}/cache{FormatVersion}"));
        IEnumerable<string> files = [inputs.DictionaryPath, .. HmmFiles.Select(f => Path.Combine(inputs.HmmFolder, f))];
        if (inputs.UserDictionaryPath != null) files = files.Append(inputs.UserDictionaryPath);
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            stamp.Append(Encoding.UTF8.GetBytes($"\0{info.FullName}\0{info.Length}\0{info.LastWriteTimeUtc.Ticks}"));
        }
        string key = stamp.Finish().ToString("x16");
        string stampsPath = Path.Combine(cacheDirectory, CacheFolderName, StampsFileName);
        List<string> lines = [];
        try
        {
            if (File.Exists(stampsPath))
            {
                lines = File.ReadAllLines(stampsPath).ToList();
                foreach (var line in lines)
                    if (line.Length == 33 && line.StartsWith(key, StringComparison.Ordinal) && line[16] == ' ')
                        return line[17..];
            }
        }
        catch (IOException) { lines = []; }
        string hash = Hash(inputs);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(stampsPath)!);
            lines.Add($"{key} {hash}");
            string tmp = stampsPath + "." + Environment.ProcessId + ".tmp";
            File.WriteAllLines(tmp, lines.TakeLast(16));
            File.Move(tmp, stampsPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only an optimisation.
        }
        return hash;
    }

    public static Compiled Load(AnalysisOptions options)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var inputs = Resolve(options);
        string hash = options.CacheDirectory == null ? Hash(inputs) : HashWithStamps(inputs, options.CacheDirectory);
        double hashMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        string? cachePath = options.CacheDirectory == null
            ? null
            : Path.Combine(options.CacheDirectory, CacheFolderName, $"{NewsAnalysis.AnalyzerName}-{hash}.bin");
        if (cachePath != null && File.Exists(cachePath))
        {
            try
            {
                var (d, h) = ReadCache(cachePath);
                return new Compiled(d, h, hash, true, cachePath) { HashMilliseconds = hashMs, ReadMilliseconds = sw.Elapsed.TotalMilliseconds };
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
        return new Compiled(dict, hmm, hash, false, cachePath) { HashMilliseconds = hashMs, ReadMilliseconds = sw.Elapsed.TotalMilliseconds };
    }

    private static PrefixDictionary BuildDictionary(Inputs inputs)
    {
        var b = new PrefixDictionary.Builder();
        var upper = new List<(string Word, long Freq)>();
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
            if (line[..sp].ContainsAnyInRange('A', 'Z')) upper.Add((line[..sp].ToString(), freq));
        }
        // The analyzers segment lowercased text: give A股, U盘, IC卡... a lowercase twin so they stay one word there.
        // Twins do not count in the total, so every probability (and jieba's cut of the original text) is unchanged.
        foreach (var (word, freq) in upper)
        {
            string lower = word.ToLowerInvariant();
            if (b.Freq(lower) == 0) b.Add(lower, freq, countInTotal: false);
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
            fs.Write(MemoryMarshal.AsBytes(d.RootChildren));
            fs.Write(MemoryMarshal.AsBytes(d.Edges));
            fs.Write(MemoryMarshal.AsBytes(d.LogProbs));
            fs.Write(MemoryMarshal.AsBytes(h.Start.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(h.Trans.AsSpan()));
            WriteSparseEmit(fs, h.Emit);
            var norm = TextNormalizer.Table;
            WriteInt(fs, norm.Pool.Length);
            fs.Write(MemoryMarshal.AsBytes(norm.Map.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(norm.Pool.AsSpan()));
            fs.Write(BitConverter.GetBytes(Magic));
        }
        File.Move(tmp, path, overwrite: true);
        // Caches of other dictionaries are dead weight once this one exists.
        foreach (var old in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, $"{NewsAnalysis.AnalyzerName}-*.bin"))
            if (!string.Equals(old, path, StringComparison.Ordinal))
                try { File.Delete(old); } catch (IOException) { }
    }

    /// <summary>The emission table is 2 MB dense but only ~7K chars per state have a value: store those.</summary>
    private static void WriteSparseEmit(Stream fs, double[] emit)
    {
        for (int state = 0; state < 4; state++)
        {
            var row = emit.AsSpan(state * 65536, 65536);
            int count = 0;
            foreach (double v in row) if (v != HmmModel.MinFloat) count++;
            WriteInt(fs, count);
            var chars = new ushort[count];
            var values = new double[count];
            int k = 0;
            for (int c = 0; c < 65536; c++)
                if (row[c] != HmmModel.MinFloat) { chars[k] = (ushort)c; values[k++] = row[c]; }
            fs.Write(MemoryMarshal.AsBytes(chars.AsSpan()));
            fs.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private static void WriteInt(Stream s, int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        s.Write(b);
    }

    /// <summary>
    /// Maps the cache file read-only and points the trie straight at it (the big tables are laid out 8-byte aligned
    /// right after the header); only the small HMM and normalizer tables are copied out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe (PrefixDictionary, HmmModel) ReadCache(string path)
    {
        if (!BitConverter.IsLittleEndian) throw new InvalidDataException("cache is little-endian only");
        long length = new FileInfo(path).Length;
        if (length < 32 + 65536 * 4) throw new InvalidDataException("analysis cache is too short");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        bool ok = false;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            p += view.PointerOffset;
            var all = new ReadOnlySpan<byte>(p, checked((int)length));
            var header = all[..32];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic
                || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != FormatVersion)
                throw new InvalidDataException("not an analysis cache of this version");
            long total = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
            int nodes = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            int edges = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
            long fixedEnd = 32L + 65536 * 4 + (long)edges * 8 + (long)nodes * 8 + (4 + 16) * 8;
            if (total <= 0 || nodes <= 0 || edges <= 0 || (edges & (edges - 1)) != 0 || fixedEnd > length)
                throw new InvalidDataException("analysis cache has the wrong size");
            int* root = (int*)(p + 32);
            ulong* edgeTable = (ulong*)(p + 32 + 65536 * 4);
            double* logProb = (double*)(p + 32 + 65536 * 4 + (long)edges * 8);
            var rest = all[(int)(fixedEnd - (4 + 16) * 8)..];
            var start = MemoryMarshal.Cast<byte, double>(rest[..32]).ToArray();
            var trans = MemoryMarshal.Cast<byte, double>(rest[32..160]).ToArray();
            rest = rest[160..];
            var emit = ReadSparseEmit(ref rest);
            int poolLength = TakeInt(ref rest);
            if (poolLength < 0 || rest.Length != 65536 * 4 + poolLength * 2 + 4)
                throw new InvalidDataException("analysis cache: bad normalizer table");
            var normMap = MemoryMarshal.Cast<byte, int>(rest[..(65536 * 4)]).ToArray();
            var normPool = MemoryMarshal.Cast<byte, char>(rest.Slice(65536 * 4, poolLength * 2)).ToArray();
            if (BinaryPrimitives.ReadUInt32LittleEndian(rest[^4..]) != Magic) throw new InvalidDataException("analysis cache is truncated");
            foreach (int m in normMap)
                if (m != 0 && (m >> 5) + (m & 31) > poolLength) throw new InvalidDataException("analysis cache: bad normalizer table");

            var dict = new PrefixDictionary(root, edgeTable, edges, logProb, nodes, total, new object[] { map, view });
            dict.Validate();
            TextNormalizer.Install(new TextNormalizer.NormTable(normMap, normPool));
            ok = true;
            return (dict, new HmmModel(start, trans, emit));
        }
        finally
        {
            if (!ok)
            {
                if (view != null)
                {
                    view.SafeMemoryMappedViewHandle.ReleasePointer();
                    view.Dispose();
                }
                map.Dispose();
            }
        }
    }

    private static double[] ReadSparseEmit(ref ReadOnlySpan<byte> data)
    {
        var emit = new double[4 * 65536];
        Array.Fill(emit, HmmModel.MinFloat);
        for (int state = 0; state < 4; state++)
        {
            int count = TakeInt(ref data);
            if (count < 0 || count > 65536 || data.Length < count * 10) throw new InvalidDataException("analysis cache: bad HMM table");
            var chars = MemoryMarshal.Cast<byte, ushort>(data[..(count * 2)]);
            var values = MemoryMarshal.Cast<byte, double>(data.Slice(count * 2, count * 8));
            for (int k = 0; k < count; k++) emit[state * 65536 + chars[k]] = values[k];
            data = data[(count * 10)..];
        }
        return emit;
    }

    private static int TakeInt(ref ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) throw new InvalidDataException("analysis cache is truncated");
        int v = BinaryPrimitives.ReadInt32LittleEndian(data);
        data = data[4..];
        return v;
    }
}
