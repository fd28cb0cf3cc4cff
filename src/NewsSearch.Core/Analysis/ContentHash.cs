using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NewsSearch.Core.Analysis;

/// <summary>
/// A fast 64-bit content hash (four independent multiply-rotate lanes, then a final avalanche) used to tell
/// whether the dictionary inputs changed. Not cryptographic: it guards against edits, not against adversaries,
/// and it hashes the ~6.5 MB of jieba data in a few milliseconds where SHA-256 took tens on this machine.
/// </summary>
internal sealed class ContentHash
{
    private const ulong P1 = 0x9E3779B185EBCA87UL, P2 = 0xC2B2AE3D27D4EB4FUL, P3 = 0x165667B19E3779F9UL;

    private ulong _a = unchecked(P1 + P2), _b = P2, _c = 0, _d = unchecked(0 - P1);
    private long _length;
    private readonly byte[] _tail = new byte[32];
    private int _tailLength;

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_tailLength > 0)
        {
            int take = Math.Min(32 - _tailLength, data.Length);
            data[..take].CopyTo(_tail.AsSpan(_tailLength));
            _tailLength += take;
            data = data[take..];
            if (_tailLength < 32) return;
            Blocks(_tail);
            _tailLength = 0;
        }
        int whole = data.Length & ~31;
        if (whole > 0) Blocks(data[..whole]);
        data[whole..].CopyTo(_tail);
        _tailLength = data.Length - whole;
    }

    public void AppendFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buf = new byte[1 << 20];
        int n;
        while ((n = fs.Read(buf, 0, buf.Length)) > 0) Append(buf.AsSpan(0, n));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Blocks(ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        ulong a = _a, b = _b, c = _c, d = _d;
        for (int i = 0; i + 3 < words.Length; i += 4)
        {
            a = Round(a, words[i]);
            b = Round(b, words[i + 1]);
            c = Round(c, words[i + 2]);
            d = Round(d, words[i + 3]);
        }
        _a = a; _b = b; _c = c; _d = d;
    }

    private static ulong Round(ulong acc, ulong input) => BitOperations.RotateLeft(acc + input * P2, 31) * P1;

    public ulong Finish()
    {
        ulong h = BitOperations.RotateLeft(_a, 1) + BitOperations.RotateLeft(_b, 7) + BitOperations.RotateLeft(_c, 12) + BitOperations.RotateLeft(_d, 18);
        h ^= (ulong)_length * P3;
        var tail = _tail.AsSpan(0, _tailLength);
        while (tail.Length >= 8)
        {
            h = BitOperations.RotateLeft(h ^ Round(0, BinaryPrimitives.ReadUInt64LittleEndian(tail)), 27) * P1 + P3;
            tail = tail[8..];
        }
        foreach (byte x in tail) h = BitOperations.RotateLeft(h ^ (x * P3), 11) * P1;
        h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32;
        return h;
    }
}
