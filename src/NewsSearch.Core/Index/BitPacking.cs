using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NewsSearch.Core.Index;

/// <summary>
/// Patched frame-of-reference packing of one block of 128 non-negative ints (doc deltas, freqs, positions):
/// a header byte (width b, bit 7 = has exceptions), [exception count], 16 × b bytes holding the low b bits of
/// every value, then per exception (a value wider than b) its index byte and the vInt of its high bits.
/// The width is chosen to minimize the block's bytes, so a few outliers no longer widen all 128 values.
/// Width 0 without exceptions (all zeros: freq−1 of a term seen once per doc, deltas of a term in every doc)
/// takes one byte.
/// </summary>
internal static unsafe class BitPacking
{
    private const int ExceptionFlag = 0x80;

    public static void Pack(ReadOnlySpan<int> values, ByteBuffer output)
    {
        Span<int> widthCounts = stackalloc int[33];
        widthCounts.Clear();
        int maxBits = 0;
        foreach (int v in values)
        {
            int nb = 32 - BitOperations.LeadingZeroCount((uint)v);
            widthCounts[nb]++;
            if (nb > maxBits) maxBits = nb;
        }
        // Cost in bytes of width b: the packed bits, plus per wider value an index byte and its high bits' vInt.
        int bestBits = maxBits, bestCost = values.Length * maxBits / 8, wider = 0;
        for (int b = maxBits - 1; b >= 0; b--)
        {
            wider += widthCounts[b + 1];
            if (wider > 64) break;
            int cost = values.Length * b / 8 + 1;
            for (int nb = b + 1; nb <= maxBits; nb++) cost += widthCounts[nb] * (1 + (nb - b + 6) / 7);
            if (cost < bestCost) { bestCost = cost; bestBits = b; }
        }
        int bits = bestBits;
        int exceptions = 0;
        foreach (int v in values) if ((uint)v >> bits != 0 && bits < 32) exceptions++;
        output.WriteByte((byte)(bits | (exceptions > 0 ? ExceptionFlag : 0)));
        if (exceptions > 0) output.WriteByte((byte)exceptions);
        if (bits > 0)
        {
            int bytes = values.Length * bits / 8;
            var dst = output.Append(bytes);
            ulong mask = bits == 32 ? uint.MaxValue : (1UL << bits) - 1;
            ulong acc = 0;
            int accBits = 0, o = 0;
            foreach (int v in values)
            {
                acc |= ((uint)v & mask) << accBits;
                accBits += bits;
                while (accBits >= 8) { dst[o++] = (byte)acc; acc >>= 8; accBits -= 8; }
            }
            if (accBits > 0) dst[o] = (byte)acc;
        }
        if (exceptions > 0)
        {
            for (int i = 0; i < values.Length; i++)
            {
                uint high = bits >= 32 ? 0 : (uint)values[i] >> bits;
                if (high == 0) continue;
                output.WriteByte((byte)i);
                output.WriteVInt((int)high);
            }
        }
    }

    /// <summary>Decodes 128 values at <paramref name="pos"/> (reads up to 7 bytes past the packed bits: always inside the file).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpack(byte* p, ref long pos, int[] values)
    {
        int header = p[pos++];
        int bits = header & 0x3F;
        int exceptions = (header & ExceptionFlag) != 0 ? p[pos++] : 0;
        if (bits == 0) Array.Clear(values, 0, IndexFormat.BlockSize);
        else if (bits <= 25 && Avx2.IsSupported)
        {
            UnpackAvx2(p + pos, bits, values);
            pos += IndexFormat.BlockSize * bits / 8;
        }
        else
        {
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
        for (int e = 0; e < exceptions; e++)
        {
            int index = p[pos++];
            values[index] |= Mem.ReadVInt(p, ref pos) << bits;
        }
    }

    /// <summary>Eight values at a time: value j of a group starts at bit j·b, so its 32-bit window is gathered from
    /// byte (j·b) / 8 and shifted by (j·b) mod 8 (b ≤ 25 keeps it inside the window); each group of 8 starts b bytes
    /// after the previous one. Reads at most 3 bytes past the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnpackAvx2(byte* src, int bits, int[] values)
    {
        var starts = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * bits;
        var offsets = Vector256.ShiftRightLogical(starts, 3);
        var shifts = (starts & Vector256.Create(7)).AsUInt32();
        var mask = Vector256.Create((1u << bits) - 1);
        fixed (int* dst = values)
        {
            for (int g = 0; g < IndexFormat.BlockSize / 8; g++)
            {
                var window = Avx2.GatherVector256((int*)(src + g * bits), offsets, 1).AsUInt32();
                Avx.Store((uint*)dst + g * 8, Avx2.ShiftRightLogicalVariable(window, shifts) & mask);
            }
        }
    }

    /// <summary>Skips one packed block without decoding it.</summary>
    public static void Skip(byte* p, ref long pos)
    {
        int header = p[pos++];
        int bits = header & 0x3F;
        int exceptions = (header & ExceptionFlag) != 0 ? p[pos++] : 0;
        pos += IndexFormat.BlockSize * bits / 8;
        for (int e = 0; e < exceptions; e++)
        {
            pos++;
            Mem.SkipVInts(p, ref pos, 1);
        }
    }
}
