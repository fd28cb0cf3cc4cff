using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Index;

/// <summary>
/// The in-memory postings store of the buffer: many interleaved growable byte streams (one per term per kind)
/// carved out of 32 KB blocks. A stream starts with an 8-byte slice; when a slice is full its last 4 bytes hold
/// the address of the next, larger slice (up to 1 KB). Nothing is allocated per token or per posting; blocks are
/// reused across flushes. Addresses are ints: block index × 32K + offset.
/// </summary>
internal sealed class ByteSlicePool
{
    public const int BlockShift = 15;
    public const int BlockSize = 1 << BlockShift;
    private const int BlockMask = BlockSize - 1;
    private static readonly int[] LevelSizes = [8, 16, 32, 64, 128, 256, 512, 1024];
    private const int MaxLevel = 7;

    private byte[][] _blocks = new byte[16][];
    private int _blockCount;   // blocks in use
    private int _allocated;    // blocks ever allocated (kept for reuse)
    private int _offset = BlockSize;

    public long BytesAllocated => (long)_allocated * BlockSize;

    /// <summary>Drops all streams; keeps the blocks for the next buffer.</summary>
    public void Reset()
    {
        _blockCount = 0;
        _offset = BlockSize;
    }

    /// <summary>Frees blocks beyond what one more buffer is likely to need.</summary>
    public void Trim()
    {
        for (int i = _blockCount; i < _allocated; i++) _blocks[i] = null!;
        _allocated = _blockCount;
    }

    private int NewSlice(int level)
    {
        int size = LevelSizes[level];
        if (_offset + size > BlockSize)
        {
            if (_blockCount == _blocks.Length) Array.Resize(ref _blocks, _blocks.Length * 2);
            if (_blockCount == _allocated) { _blocks[_blockCount] = new byte[BlockSize]; _allocated++; }
            _blockCount++;
            _offset = 0;
        }
        int address = ((_blockCount - 1) << BlockShift) | _offset;
        _offset += size;
        return address;
    }

    /// <summary>Starts a stream: returns its first slice's address; <paramref name="end"/> = where its link bytes are.</summary>
    public int StartStream(out int end)
    {
        int a = NewSlice(0);
        end = a + LevelSizes[0] - 4;
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(ref StreamCursor c, byte b)
    {
        if (c.Write == c.End) NextSlice(ref c);
        _blocks[c.Write >> BlockShift][c.Write & BlockMask] = b;
        c.Write++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVInt(ref StreamCursor c, int v)
    {
        uint u = (uint)v;
        while (u >= 0x80) { WriteByte(ref c, (byte)(u | 0x80)); u >>= 7; }
        WriteByte(ref c, (byte)u);
    }

    private void NextSlice(ref StreamCursor c)
    {
        int level = Math.Min(c.Level + 1, MaxLevel);
        int next = NewSlice(level);
        var block = _blocks[c.End >> BlockShift];
        Unsafe.WriteUnaligned(ref block[c.End & BlockMask], next);
        c.Level = (byte)level;
        c.Write = next;
        c.End = next + LevelSizes[level] - 4;
    }

    /// <summary>A reader over a stream from its start address up to <paramref name="limit"/> (the writer's final position).</summary>
    public StreamReader OpenReader(int start, int limit) => new(this, start, limit);

    public struct StreamReader(ByteSlicePool pool, int start, int limit)
    {
        private int _pos = start;
        private int _end = start + LevelSizes[0] - 4;
        private int _level;

        public readonly bool HasMore => _pos != limit;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public byte ReadByte()
        {
            if (_pos == _end)
            {
                var block = pool._blocks[_end >> BlockShift];
                int next = Unsafe.ReadUnaligned<int>(ref block[_end & BlockMask]);
                _level = Math.Min(_level + 1, MaxLevel);
                _pos = next;
                _end = next + LevelSizes[_level] - 4;
            }
            byte b = pool._blocks[_pos >> BlockShift][_pos & BlockMask];
            _pos++;
            return b;
        }

        public int ReadVInt()
        {
            byte b = ReadByte();
            int v = b & 0x7F;
            for (int shift = 7; b >= 0x80; shift += 7)
            {
                b = ReadByte();
                v |= (b & 0x7F) << shift;
            }
            return v;
        }
    }
}

/// <summary>Write position of one stream in a <see cref="ByteSlicePool"/>.</summary>
internal struct StreamCursor
{
    public int Write;
    public int End;
    public byte Level;
}
