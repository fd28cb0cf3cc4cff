using System.Numerics;

namespace NewsSearch.Core.Index;

/// <summary>
/// Deleted documents of one segment at one commit: a bitset (1 = deleted). Immutable once published to a
/// snapshot; the writer copies it before changing it (copy on write).
/// </summary>
internal sealed class DeletedDocs
{
    public DeletedDocs(int maxDoc) { Bits = new ulong[(maxDoc + 63) / 64]; MaxDoc = maxDoc; }

    private DeletedDocs(ulong[] bits, int maxDoc, int count) { Bits = bits; MaxDoc = maxDoc; Count = count; }

    public ulong[] Bits { get; }
    public int MaxDoc { get; }
    public int Count { get; private set; }

    public bool IsDeleted(int doc) => (Bits[doc >> 6] & (1UL << doc)) != 0;

    /// <summary>Marks a doc deleted; false when it already was.</summary>
    public bool Delete(int doc)
    {
        ref ulong w = ref Bits[doc >> 6];
        ulong m = 1UL << doc;
        if ((w & m) != 0) return false;
        w |= m;
        Count++;
        return true;
    }

    public DeletedDocs Clone() => new((ulong[])Bits.Clone(), MaxDoc, Count);

    public void Write(string path)
    {
        using var o = new IndexOutput(path, IndexFormat.DeletesExt);
        o.WriteInt32(MaxDoc);
        o.WriteInt32(Count);
        foreach (ulong w in Bits) o.WriteInt64((long)w);
        o.Finish();
    }

    public static unsafe DeletedDocs Read(string path, int maxDoc, long expectedLength, uint expectedChecksum)
    {
        using var f = MappedFile.Open(path, IndexFormat.DeletesExt, expectedLength);
        f.VerifyChecksum(expectedChecksum);
        byte* p = f.Pointer;
        long pos = IndexFormat.HeaderLength;
        int max = Mem.ReadInt32(p, pos);
        int count = Mem.ReadInt32(p, pos + 4);
        if (max != maxDoc) throw new IndexCorruptException(f.Name, $"bitset for {max} docs, segment has {maxDoc}");
        var bits = new ulong[(maxDoc + 63) / 64];
        for (int i = 0; i < bits.Length; i++) bits[i] = (ulong)Mem.ReadInt64(p, pos + 8 + 8L * i);
        int actual = 0;
        foreach (ulong w in bits) actual += BitOperations.PopCount(w);
        if (actual != count) throw new IndexCorruptException(f.Name, $"records {count} deletions, bitset has {actual}");
        return new DeletedDocs(bits, maxDoc, count);
    }
}

/// <summary>
/// One segment as a snapshot sees it: the shared memory-mapped <see cref="SegmentCore"/> plus the deletions of
/// that snapshot's commit. Thread-safe for any number of concurrent searches.
/// </summary>
public sealed class SegmentReader : LeafReader
{
    private readonly DeletedDocs? _deleted;

    internal SegmentReader(SegmentCore core, DeletedDocs? deleted)
    {
        Core = core;
        _deleted = deleted is { Count: > 0 } ? deleted : null;
        NumDocs = core.MaxDoc - (_deleted?.Count ?? 0);
    }

    internal SegmentCore Core { get; }

    public string SegmentName => Core.Name;

    public override int MaxDoc => Core.MaxDoc;

    public override int NumDocs { get; }

    public override bool IsLive(int doc) => _deleted is null || !_deleted.IsDeleted(doc);

    public override void ClearDeleted(ulong[] bits)
    {
        if (_deleted is null) return;
        var deleted = _deleted.Bits;
        int words = Math.Min(bits.Length, deleted.Length);
        for (int w = 0; w < words; w++) bits[w] &= ~deleted[w];
    }

    public override PostingsEnum? GetPostings(string field, ReadOnlySpan<char> term, bool withPositions)
    {
        var f = Core.GetField(field);
        if (f is null || !f.SeekExact(term, out var meta)) return null;
        return PostingsEnumPool.Get(f, in meta, withPositions && f.Meta.HasPositions);
    }

    public override int DocFreq(string field, ReadOnlySpan<char> term)
    {
        var f = Core.GetField(field);
        return f is not null && f.SeekExact(term, out var meta) ? meta.DocFreq : 0;
    }

    /// <summary>Total occurrences of a term in the segment (0 when absent).</summary>
    public long TotalTermFreq(string field, ReadOnlySpan<char> term)
    {
        var f = Core.GetField(field);
        return f is not null && f.SeekExact(term, out var meta) ? meta.TotalTermFreq : 0;
    }

    public override TermsEnum? GetTerms(string field)
    {
        var f = Core.GetField(field);
        return f is null ? null : new SegmentTermsEnum(f);
    }

    public override FieldStatistics GetFieldStatistics(string field)
    {
        var f = Core.GetField(field);
        return f is null ? default : new FieldStatistics(f.Meta.DocCount, f.Meta.SumTotalTermFreq, f.Meta.SumDocFreq);
    }

    /// <summary>Number of distinct terms of a field in this segment.</summary>
    public long TermCount(string field) => Core.GetField(field)?.Meta.TermCount ?? 0;

    /// <summary>Names of the indexed fields of this segment.</summary>
    public IEnumerable<string> FieldNames => Core.Fields.Select(f => f.Meta.Name);

    public override int GetFieldLength(string field, int doc) => Core.GetFieldLength(field, doc);

    public override FieldLengths GetFieldLengths(string field) => Core.GetFieldLengths(field);

    public override string GetId(int doc) => Core.GetId(doc);

    // UTF-8 byte order is code point order: compare the stored bytes without decoding them, their first 8 first.
    public override int CompareIds(int doc, LeafReader other, int otherDoc)
    {
        if (other is not SegmentReader o) return base.CompareIds(doc, other, otherDoc);
        ulong a = Core.IdKeys[doc], b = o.Core.IdKeys[otherDoc];
        if (a != b) return a < b ? -1 : 1;
        return Core.GetIdUtf8(doc).SequenceCompareTo(o.Core.GetIdUtf8(otherDoc));
    }

    public override long GetNumericValue(string field, int doc, long missing = long.MinValue) => Core.GetNumeric(field, doc, missing);

    public override NumericValues GetNumericValues(string field) => Core.GetNumericValues(field);

    public override string? GetSortedValue(string field, int doc)
    {
        var col = Core.GetSorted(field);
        if (col is null) return null;
        int ord = col.GetOrd(doc);
        return ord < 0 ? null : col.LookupOrd(ord);
    }

    /// <summary>The sorted column of a field (ordinals for fast filtering), or null.</summary>
    public SortedColumnReader? GetSortedColumn(string field) => Core.GetSorted(field);

    /// <summary>Recomputes the CRC-32C of every file of the segment (throws <see cref="IndexCorruptException"/>).</summary>
    public void VerifyChecksums() => Core.VerifyChecksums();

    internal DeletedDocs? Deleted => _deleted;
}
