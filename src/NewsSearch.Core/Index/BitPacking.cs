using System.Numerics;
using System.Runtime.CompilerServices;

namespace NewsSearch.Core.Index;

/// <summary>
/// Fixed-width packing of one postings block (128 non-negative ints): a width byte, then 16 × width bytes.
/// Width 0 (all zeros, e.g. the freq-1 of a term seen once per doc, or deltas of a term in every doc) takes no bytes.
/// </summary>
internal static unsafe class BitPacking
{
    public static int BitsRequired(ReadOnlySpan<int> values)
    {
        int or = 0;
        foreach (int v in values) or |= v;
        return 32 - BitOperations.LeadingZeroCount((uint)or);
    }

    public static void Pack(ReadOnlySpan<int> values, ByteBuffer output)
    {
        int bits = BitsRequired(values);
        output.WriteByte((byte)bits);
        if (bits == 0) return;
        int bytes = values.Length * bits / 8;
        var dst = output.Append(bytes);
        ulong acc = 0;
        int accBits = 0, o = 0;
        foreach (int v in values)
        {
            acc |= (ulong)(uint)v << accBits;
            accBits += bits;
            while (accBits >= 8) { dst[o++] = (byte)acc; acc >>= 8; accBits -= 8; }
        }
        if (accBits > 0) dst[o] = (byte)acc;
    }

    /// <summary>Decodes 128 values at <paramref name="pos"/> (reads up to 7 bytes past the block: the footer guarantees them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpack(byte* p, ref long pos, int[] values)
    {
        int bits = p[pos++];
        if (bits == 0) { Array.Clear(values, 0, IndexFormat.BlockSize); return; }
        byte* src = p + pos;
        ulong mask = (1UL << bits) - 1;
        int bitPos = 0;
        for (int i = 0; i < IndexFormat.BlockSize; i++, bitPos += bits)
        {
            ulong w = Unsafe.ReadUnaligned<ulong>(src + (bitPos >> 3));
            values[i] = (int)((w >> (bitPos & 7)) & mask);
        }
        pos += IndexFormat.BlockSize * bits / 8;
    }

    /// <summary>Skips one packed block without decoding.</summary>
    public static void Skip(byte* p, ref long pos)
    {
        int bits = p[pos++];
        pos += IndexFormat.BlockSize * bits / 8;
    }
}
