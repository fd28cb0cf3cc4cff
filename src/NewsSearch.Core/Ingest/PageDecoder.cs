using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace NewsSearch.Core.Ingest;

/// <summary>A byte sequence that is not valid in the file's encoding (replaced by U+FFFD in the text).</summary>
public sealed record DecodeIssue(string File, long ByteOffset, string Message)
{
    public override string ToString() => $"{File}: byte {ByteOffset}: {Message}";
}

/// <summary>Decoded file text, the encoding it was read with, and the bad bytes found.</summary>
public sealed record DecodedText(string Text, string EncodingName, IReadOnlyList<DecodeIssue> Issues);

/// <summary>
/// Reads page dumps as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (common in Chinese newsrooms).
/// Auto-detection: a BOM decides; else valid UTF-8 is UTF-8; else text with only a few bad UTF-8 sequences is
/// UTF-8 with damage; else GB18030. Invalid bytes never throw: each is reported with its byte offset.
/// </summary>
public static class PageDecoder
{
    static PageDecoder() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Names accepted for <c>--encoding</c>.</summary>
    public static readonly IReadOnlyList<string> KnownNames = ["auto", "utf-8", "gb18030", "gbk", "gb2312", "utf-16"];

    /// <summary>Checks an encoding name early, so a typo fails before any file is read.</summary>
    public static void Validate(string? name)
    {
        if (name is null || IsAuto(name) || IsUtf8(name) || IsGb(name)) return;
        try { Encoding.GetEncoding(name); }
        catch (ArgumentException) { throw new ArgumentException($"unknown encoding '{name}' (use one of: {string.Join(", ", KnownNames)})"); }
    }

    public static DecodedText Decode(ReadOnlySpan<byte> bytes, string file, string? encoding = null)
    {
        if (encoding is null || IsAuto(encoding))
        {
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return DecodeUtf8(bytes[3..], 3, file);
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return DecodeWith(Encoding.Unicode, "utf-16le", bytes[2..], 2, file);
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return DecodeWith(Encoding.BigEndianUnicode, "utf-16be", bytes[2..], 2, file);
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0x84, 0x31, 0x95, 0x33])) return DecodeWith(Gb18030(), "gb18030", bytes[4..], 4, file);
            if (Utf8.IsValid(bytes)) return new DecodedText(Encoding.UTF8.GetString(bytes), "utf-8", []);
            var asUtf8 = DecodeUtf8(bytes, 0, file);
            int nonAscii = 0;
            foreach (byte b in bytes) if (b >= 0x80) nonAscii++;
            // GB18030 read as UTF-8 breaks on nearly every character; real UTF-8 with a damaged spot breaks rarely.
            if (asUtf8.Issues.Count <= Math.Max(4, nonAscii / 200)) return asUtf8;
            return DecodeWith(Gb18030(), "gb18030", bytes, 0, file);
        }
        if (IsUtf8(encoding))
        {
            int skip = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
            return Utf8.IsValid(bytes[skip..]) ? new DecodedText(Encoding.UTF8.GetString(bytes[skip..]), "utf-8", []) : DecodeUtf8(bytes[skip..], skip, file);
        }
        if (IsGb(encoding))
        {
            int skip = bytes.StartsWith((ReadOnlySpan<byte>)[0x84, 0x31, 0x95, 0x33]) ? 4 : 0;
            return DecodeWith(Gb18030(), "gb18030", bytes[skip..], skip, file);
        }
        Encoding enc;
        try { enc = Encoding.GetEncoding(encoding); }
        catch (ArgumentException) { throw new ArgumentException($"unknown encoding '{encoding}'"); }
        return DecodeWith(enc, enc.WebName, bytes, 0, file);
    }

    public static Encoding Gb18030() => Encoding.GetEncoding("GB18030");

    private static bool IsAuto(string n) => n.Equals("auto", StringComparison.OrdinalIgnoreCase) || n.Length == 0;
    private static bool IsUtf8(string n) => n.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || n.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    private static bool IsGb(string n) => n.Equals("gb18030", StringComparison.OrdinalIgnoreCase) || n.Equals("gbk", StringComparison.OrdinalIgnoreCase)
        || n.Equals("gb2312", StringComparison.OrdinalIgnoreCase) || n.Equals("cp936", StringComparison.OrdinalIgnoreCase);

    /// <summary>UTF-8 with our own walk over bad sequences, so each is reported at its exact byte offset.</summary>
    private static DecodedText DecodeUtf8(ReadOnlySpan<byte> bytes, int baseOffset, string file)
    {
        var issues = new List<DecodeIssue>();
        char[] buffer = ArrayPool<char>.Shared.Rent(bytes.Length + 1);
        try
        {
            int read = 0, written = 0;
            while (read < bytes.Length)
            {
                var status = Utf8.ToUtf16(bytes[read..], buffer.AsSpan(written), out int r, out int w, replaceInvalidSequences: false, isFinalBlock: true);
                read += r; written += w;
                if (status == OperationStatus.Done) break;
                Rune.DecodeFromUtf8(bytes[read..], out _, out int bad);
                bad = Math.Max(1, bad);
                if (issues.Count < 1000)
                    issues.Add(new DecodeIssue(file, baseOffset + read, $"invalid UTF-8 sequence {Convert.ToHexString(bytes.Slice(read, bad))}"));
                buffer[written++] = '\uFFFD';
                read += bad;
            }
            return new DecodedText(new string(buffer, 0, written), "utf-8", issues);
        }
        finally { ArrayPool<char>.Shared.Return(buffer); }
    }

    private static DecodedText DecodeWith(Encoding encoding, string name, ReadOnlySpan<byte> bytes, int baseOffset, string file)
    {
        var fallback = new RecordingFallback();
        var enc = (Encoding)encoding.Clone();
        enc.DecoderFallback = fallback;
        string text = enc.GetString(bytes);
        var issues = new List<DecodeIssue>(fallback.Bad.Count);
        var seen = new HashSet<int>();
        // Some encoders count before converting and so report each bad spot twice.
        foreach (var (offset, bad) in fallback.Bad)
            if (seen.Add(offset)) issues.Add(new DecodeIssue(file, baseOffset + offset, $"invalid {name} sequence {Convert.ToHexString(bad)}"));
        return new DecodedText(text, name, issues);
    }

    /// <summary>Replaces bad bytes with U+FFFD and remembers where they were.</summary>
    private sealed class RecordingFallback : DecoderFallback
    {
        public readonly List<(int Offset, byte[] Bytes)> Bad = [];
        public override int MaxCharCount => 1;
        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

        private sealed class Buffer(RecordingFallback owner) : DecoderFallbackBuffer
        {
            private int _left;
            public override int Remaining => _left;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                if (owner.Bad.Count < 1000) owner.Bad.Add((index, bytesUnknown));
                _left = 1;
                return true;
            }

            public override char GetNextChar()
            {
                if (_left == 0) return '\0';
                _left--;
                return '\uFFFD';
            }

            public override bool MovePrevious()
            {
                if (_left != 0) return false;
                _left = 1;
                return true;
            }

            public override void Reset() => _left = 0;
        }
    }
}
