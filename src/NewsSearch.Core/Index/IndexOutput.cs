using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NewsSearch.Core.Index;

/// <summary>
/// Sequential writer of one index file: header, little-endian primitives, vInts, and a footer holding the
/// CRC-32C of everything before it. <see cref="Finish"/> fsyncs the file.
/// </summary>
internal sealed class IndexOutput : IDisposable
{
    private readonly FileStream _stream;
    private byte[] _buffer;
    private int _used;
    private long _flushed;
    private uint _crc = Crc32C.Initial;
    private bool _finished;

    public IndexOutput(string path, string kind)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        WriteUInt32(IndexFormat.HeaderMagic);
        WriteUInt32(IndexFormat.KindCode(kind));
        WriteInt32(IndexFormat.Version);
    }

    public string Path { get; }

    public long Position => _flushed + _used;

    /// <summary>Final length and checksum, set by <see cref="Finish"/>.</summary>
    public long Length { get; private set; }
    public uint Checksum { get; private set; }

    private void FlushBuffer()
    {
        if (_used == 0) return;
        _crc = Crc32C.Update(_crc, _buffer.AsSpan(0, _used));
        _stream.Write(_buffer, 0, _used);
        _flushed += _used;
        _used = 0;
    }

    public void WriteByte(byte b)
    {
        if (_used == _buffer.Length) FlushBuffer();
        _buffer[_used++] = b;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            FlushBuffer();
            if (bytes.Length > _buffer.Length)
            {
                _crc = Crc32C.Update(_crc, bytes);
                _stream.Write(bytes);
                _flushed += bytes.Length;
                return;
            }
        }
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    private Span<byte> Reserve(int n)
    {
        if (_buffer.Length - _used < n) FlushBuffer();
        return _buffer.AsSpan(_used, n);
    }

    public void WriteInt32(int v) { BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), v); _used += 4; }
    public void WriteUInt32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), v); _used += 4; }
    public void WriteInt64(long v) { BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), v); _used += 8; }
    public void WriteInt16(short v) { BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), v); _used += 2; }

    public void WriteVInt(int v) => WriteVLong((uint)v);

    public void WriteVLong(long v) => WriteVLong((ulong)v);

    public void WriteVLong(ulong v)
    {
        var span = Reserve(10);
        int i = 0;
        while (v >= 0x80) { span[i++] = (byte)(v | 0x80); v >>= 7; }
        span[i++] = (byte)v;
        _used += i;
    }

    /// <summary>UTF-16 code units, little-endian, no length.</summary>
    public void WriteChars(ReadOnlySpan<char> chars)
    {
        foreach (char c in chars) WriteInt16((short)c);
    }

    /// <summary>vInt byte length + UTF-8.</summary>
    public void WriteString(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        WriteVInt(n);
        if (n <= 1024)
        {
            Span<byte> tmp = stackalloc byte[n];
            Encoding.UTF8.GetBytes(s, tmp);
            WriteBytes(tmp);
        }
        else WriteBytes(Encoding.UTF8.GetBytes(s));
    }

    /// <summary>Pads with zeros to a multiple of <paramref name="alignment"/> (so mapped arrays are aligned).</summary>
    public void Align(int alignment)
    {
        while (Position % alignment != 0) WriteByte(0);
    }

    /// <summary>Writes the footer, flushes and fsyncs. The file is complete and durable afterwards.</summary>
    public void Finish()
    {
        WriteUInt32(IndexFormat.FooterMagic);
        FlushBuffer();
        Checksum = ~_crc;
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Checksum);
        _stream.Write(footer);
        _flushed += 4;
        Length = _flushed;
        _stream.Flush(flushToDisk: true);
        _finished = true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (_buffer.Length > 0) { ArrayPool<byte>.Shared.Return(_buffer); _buffer = []; }
        if (!_finished) { try { File.Delete(Path); } catch (IOException) { } }
    }
}

/// <summary>A growable in-memory byte buffer with the same vInt encoding (per-term postings before they hit the file).</summary>
internal sealed class ByteBuffer
{
    private byte[] _data = new byte[256];
    public int Length { get; private set; }
    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Length);

    public void Clear() => Length = 0;

    private void Ensure(int n)
    {
        if (Length + n > _data.Length) Array.Resize(ref _data, Math.Max(_data.Length * 2, Length + n));
    }

    public void WriteByte(byte b) { Ensure(1); _data[Length++] = b; }

    public void WriteVLong(ulong v)
    {
        Ensure(10);
        while (v >= 0x80) { _data[Length++] = (byte)(v | 0x80); v >>= 7; }
        _data[Length++] = (byte)v;
    }

    public void WriteVInt(int v) => WriteVLong((uint)v);

    public Span<byte> Append(int n) { Ensure(n + 8); var s = _data.AsSpan(Length, n); Length += n; return s; }
}
