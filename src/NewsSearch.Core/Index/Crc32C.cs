using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;
using ArmCrc = System.Runtime.Intrinsics.Arm.Crc32;

namespace NewsSearch.Core.Index;

/// <summary>
/// CRC-32C (Castagnoli) over index files. Uses the CPU's crc32 instruction when present (SSE4.2 / ARMv8),
/// else a table. System.IO.Hashing is not in the SDK, so this is our own.
/// The running state starts at <see cref="Initial"/>; the checksum is <c>~state</c>.
/// </summary>
internal static class Crc32C
{
    public const uint Initial = 0xFFFFFFFFu;
    private const uint Polynomial = 0x82F63B78u; // reflected Castagnoli polynomial
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            t[i] = c;
        }
        return t;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(Initial, data);

    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        int i = 0;
        if (Sse42.X64.IsSupported)
        {
            ulong s = state;
            for (; i + 8 <= data.Length; i += 8)
                s = Sse42.X64.Crc32(s, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i)));
            state = (uint)s;
            for (; i < data.Length; i++) state = Sse42.Crc32(state, data[i]);
            return state;
        }
        if (ArmCrc.Arm64.IsSupported)
        {
            for (; i + 8 <= data.Length; i += 8)
                state = ArmCrc.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i)));
            for (; i < data.Length; i++) state = ArmCrc.ComputeCrc32C(state, data[i]);
            return state;
        }
        var table = Table;
        for (; i < data.Length; i++) state = table[(byte)(state ^ data[i])] ^ (state >> 8);
        return state;
    }

    /// <summary>Checksum of a memory range that may exceed 2 GB (memory-mapped files).</summary>
    public static unsafe uint Update(uint state, byte* p, long length)
    {
        while (length > 0)
        {
            int n = (int)Math.Min(length, 1 << 30);
            state = Update(state, new ReadOnlySpan<byte>(p, n));
            p += n;
            length -= n;
        }
        return state;
    }
}
