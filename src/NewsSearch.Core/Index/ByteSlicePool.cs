using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Index;

/// <summary>
/// The in-memory postings store of the buffer: many interleaved growable byte streams (one per term per kind)
/// carved out of 32 KB blocks. A stream starts with an 8-byte slice; when a slice is full its last 4 bytes hold
/// the address of the next slice, twice as large (up to 1 KB). Each slice size has its own blocks, so a slice is
/// aligned to its size and a cursor needs only its write address and level (the end is implied).
/// Nothing is allocated per token or per posting; blocks are reused across flushes.
/// Addresses are ints: block index × 32K + offset.
/// </summary>
internal sealed class ByteSlicePool
{
    public const int BlockShift = 15;
    public const int BlockSize = 1 << BlockShift;
    private const int BlockMask = BlockSize - 1;
    public const int MaxLevel = 7; // slice sizes 8 << level: 8 … 1024

    private byte[][] _blocks = new byte[16][];
    private int _blockCount;   // blocks in use
    private int _allocated;    // blocks ever allocated (kept for reuse)
    private readonly int[] _levelNext = new int[MaxLevel + 1]; // next free address per level, -1 = needs a block

    public ByteSlicePool() => Reset();

    public long BytesAllocated => (long)_allocated * BlockSize;

    public long BytesUsed => (long)_blockCount * BlockSize;

    /// <summary>Drops all streams; keeps the blocks for the next buffer.</summary>
    public void Reset()
    {
        _blockCount = 0;
        Array.Fill(_levelNext, -1);
    }

    /// <summary>Frees blocks beyond what is in use.</summary>
    public void Trim()
    {
        for (int i = _blockCount; i < _allocated; i++) _blocks[i] = null!;
        _allocated = _blockCount;
    }

    private int NewBlock()
    {
        if (_blockCount == _blocks.Length) Array.Resize(ref _blocks, _blocks.Length * 2);
        if (_blockCount == _allocated) { _blocks[_blockCount] = new byte[BlockSize]; _allocated++; }
        return _blockCount++ << BlockShift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NewSlice(int level)
    {
        int a = _levelNext[level];
        if (a < 0) a = NewBlock();
        int next = a + (8 << level);
        _levelNext[level] = (next & BlockMask) == 0 ? -1 : next;
        return a;
    }

    /// <summary>Starts one stream (level-0 slice).</summary>
    public int StartStream() => NewSlice(0);

    /// <summary>Starts two streams in adjacent level-0 slices: the second starts at the returned address + 8.</summary>
    public int StartStreamPair()
    {
        int a = _levelNext[0];
        if (a < 0) a = NewBlock();
        // Level-0 slices come in 16-byte-aligned pairs when both are taken together.
        if ((a & 15) != 0) { a += 8; if ((a & BlockMask) == 0) a = NewBlock(); }
        int next = a + 16;
        _levelNext[0] = (next & BlockMask) == 0 ? -1 : next;
        return a;
    }

    /// <summary>Hints the CPU to fetch the cache line of an address (the tail of a stream about to be written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int address)
    {
        var block = _blocks[address >> BlockShift];
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref block[address & BlockMask]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AtSliceEnd(int address, int level) => (address & ((8 << level) - 1)) == (8 << level) - 4;

    /// <summary>Appends a byte to the stream whose write address is <paramref name="write"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(ref int write, ref byte level, byte b)
    {
        if (AtSliceEnd(write, level)) NextSlice(ref write, ref level);
        _blocks[write >> BlockShift][write & BlockMask] = b;
        write++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVInt(ref int write, ref byte level, int v)
    {
        uint u = (uint)v;
        while (u >= 0x80) { WriteByte(ref write, ref level, (byte)(u | 0x80)); u >>= 7; }
        WriteByte(ref write, ref level, (byte)u);
    }

    private void NextSlice(ref int write, ref byte level)
    {
        int l = Math.Min(level + 1, MaxLevel);
        int next = NewSlice(l);
        Unsafe.WriteUnaligned(ref _blocks[write >> BlockShift][write & BlockMask], next);
        level = (byte)l;
        write = next;
    }

    /// <summary>A reader over a stream from its start address up to <paramref name="limit"/> (the writer's final address).</summary>
    public StreamReader OpenReader(int start, int limit) => new(this, start, limit);

    public struct StreamReader(ByteSlicePool pool, int start, int limit)
    {
        private int _pos = start;
        private int _level;

        public readonly bool HasMore => _pos != limit;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public byte ReadByte()
        {
            if (AtSliceEnd(_pos, _level))
            {
                _pos = Unsafe.ReadUnaligned<int>(ref pool._blocks[_pos >> BlockShift][_pos & BlockMask]);
                _level = Math.Min(_level + 1, MaxLevel);
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
