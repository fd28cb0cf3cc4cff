using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Text;

namespace NewsSearch.Core.Index;

/// <summary>
/// A read-only memory-mapped index file. Validates header (magic, kind, format version) and footer on open;
/// <see cref="VerifyChecksum"/> recomputes the CRC-32C of the whole file.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    private MappedFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        Length = length;
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _pointer = p + _view.PointerOffset;
    }

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public long Length { get; }
    public byte* Pointer => _pointer;

    /// <summary>End of the payload (start of the footer).</summary>
    public long DataEnd => Length - IndexFormat.FooterLength;

    public static MappedFile Open(string path, string kind, long expectedLength = -1)
    {
        string name = System.IO.Path.GetFileName(path);
        long length;
        try { length = new FileInfo(path).Length; }
        catch (IOException e) { throw new IndexCorruptException(name, "cannot read: " + e.Message, e); }
        if (!File.Exists(path)) throw new IndexCorruptException(name, "missing");
        if (expectedLength >= 0 && length != expectedLength)
            throw new IndexCorruptException(name, $"length {length} but the commit recorded {expectedLength} (truncated?)");
        if (length < IndexFormat.HeaderLength + IndexFormat.FooterLength)
            throw new IndexCorruptException(name, $"only {length} bytes (truncated)");
        MemoryMappedFile map;
        try
        {
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IndexCorruptException(name, "cannot map: " + e.Message, e);
        }
        MemoryMappedViewAccessor view;
        try { view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read); }
        catch { map.Dispose(); throw; }
        var file = new MappedFile(path, map, view, length);
        try { file.CheckHeaderAndFooter(kind); }
        catch { file.Dispose(); throw; }
        return file;
    }

    private void CheckHeaderAndFooter(string kind)
    {
        var head = new ReadOnlySpan<byte>(_pointer, IndexFormat.HeaderLength);
        if (BinaryPrimitives.ReadUInt32LittleEndian(head) != IndexFormat.HeaderMagic)
            throw new IndexCorruptException(Name, "bad header magic");
        if (BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) != IndexFormat.KindCode(kind))
            throw new IndexCorruptException(Name, $"not a '{kind}' file");
        int version = BinaryPrimitives.ReadInt32LittleEndian(head[8..]);
        if (version != IndexFormat.Version)
            throw new IndexCorruptException(Name, $"format version {version}, this build reads {IndexFormat.Version}", formatMismatch: true);
        if (BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(_pointer + DataEnd, 4)) != IndexFormat.FooterMagic)
            throw new IndexCorruptException(Name, "bad footer (truncated or overwritten)");
    }

    public uint StoredChecksum => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(_pointer + Length - 4, 4));

    /// <summary>Recomputes the CRC-32C and compares it with the footer (and with the commit's record when given).</summary>
    public void VerifyChecksum(uint? expected = null)
    {
        uint actual = ~Crc32C.Update(Crc32C.Initial, _pointer, Length - 4);
        if (actual != StoredChecksum)
            throw new IndexCorruptException(Name, $"checksum mismatch (stored {StoredChecksum:x8}, computed {actual:x8})");
        if (expected is { } e && e != actual)
            throw new IndexCorruptException(Name, $"checksum {actual:x8} differs from the commit's {e:x8}");
    }

    public void Dispose()
    {
        if (_pointer != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _pointer = null;
        }
        _view.Dispose();
        _map.Dispose();
    }
}

/// <summary>Decoding primitives over mapped memory (no bounds checks: files are validated on open).</summary>
internal static unsafe class Mem
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadVInt(byte* p, ref long pos)
    {
        byte b = p[pos++];
        if (b < 0x80) return b;
        int v = b & 0x7F;
        int shift = 7;
        do
        {
            b = p[pos++];
            v |= (b & 0x7F) << shift;
            shift += 7;
        } while (b >= 0x80);
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ReadVLong(byte* p, ref long pos)
    {
        byte b = p[pos++];
        if (b < 0x80) return b;
        long v = b & 0x7F;
        int shift = 7;
        do
        {
            b = p[pos++];
            v |= (long)(b & 0x7F) << shift;
            shift += 7;
        } while (b >= 0x80);
        return v;
    }

    /// <summary>Skips <paramref name="count"/> vInts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SkipVInts(byte* p, ref long pos, int count)
    {
        long q = pos;
        while (count > 0) { if (p[q++] < 0x80) count--; }
        pos = q;
    }

    public static int ReadInt32(byte* p, long pos) => Unsafe.ReadUnaligned<int>(p + pos);
    public static long ReadInt64(byte* p, long pos) => Unsafe.ReadUnaligned<long>(p + pos);
    public static ushort ReadUInt16(byte* p, long pos) => Unsafe.ReadUnaligned<ushort>(p + pos);

    public static string ReadString(byte* p, ref long pos)
    {
        int n = ReadVInt(p, ref pos);
        string s = Encoding.UTF8.GetString(p + pos, n);
        pos += n;
        return s;
    }

    /// <summary>Copies <paramref name="count"/> UTF-16 code units (possibly unaligned) into <paramref name="dest"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyChars(byte* p, long pos, Span<char> dest, int count)
    {
        fixed (char* d = dest) Unsafe.CopyBlockUnaligned(d, p + pos, (uint)(count * 2));
    }
}
