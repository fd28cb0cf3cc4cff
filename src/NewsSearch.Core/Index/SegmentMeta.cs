namespace NewsSearch.Core.Index;

/// <summary>What an indexed field keeps per posting.</summary>
public enum IndexOptions : byte
{
    /// <summary>Doc ids only (the id field).</summary>
    Docs = 0,
    /// <summary>Doc ids and term frequencies (string fields such as author, section).</summary>
    DocsAndFreqs = 1,
    /// <summary>Doc ids, frequencies and positions (analyzed text fields).</summary>
    DocsFreqsPositions = 2,
}

/// <summary>Per-field metadata of one segment (kept in the .si file).</summary>
internal sealed class FieldMeta
{
    public required string Name { get; init; }
    public IndexOptions Options { get; init; }
    public bool HasNorms { get; set; }
    public long TermCount { get; set; }
    public int DocCount { get; set; }
    public long SumTotalTermFreq { get; set; }
    public long SumDocFreq { get; set; }
    /// <summary>Offset of the field's block index in the .tip file.</summary>
    public long TermsIndexOffset { get; set; }
    public long NormsOffset { get; set; } = -1;
    /// <summary>Bytes this field takes in .tim+.tip, .doc and .pos (for size reports).</summary>
    public long TermBytes { get; set; }
    public long DocBytes { get; set; }
    public long PosBytes { get; set; }
    public byte NormsWidth { get; set; }

    public bool HasFreqs => Options >= IndexOptions.DocsAndFreqs;
    public bool HasPositions => Options >= IndexOptions.DocsFreqsPositions;
}

/// <summary>A numeric doc-values column: value = stored + Min - 1; stored 0 = missing. Width 8 = raw longs.</summary>
internal sealed class NumericColumnMeta
{
    public required string Name { get; init; }
    public long Offset { get; init; }
    public byte Width { get; init; }
    public long Min { get; init; }
}

/// <summary>A sorted doc-values column: per-doc ord+1 (0 = missing) and the sorted distinct values.</summary>
internal sealed class SortedColumnMeta
{
    public required string Name { get; init; }
    public long OrdsOffset { get; init; }
    public byte OrdWidth { get; init; }
    public int ValueCount { get; init; }
    /// <summary>int char-offsets[ValueCount+1] then UTF-16 chars.</summary>
    public long ValuesOffset { get; init; }
}

/// <summary>Everything the .si file records about a segment's layout.</summary>
internal sealed class SegmentMeta
{
    public required string Name { get; init; }
    public int MaxDoc { get; init; }
    public List<FieldMeta> Fields { get; } = [];
    public List<NumericColumnMeta> Numerics { get; } = [];
    public List<SortedColumnMeta> Sorted { get; } = [];
    public long IdsOffset { get; set; }

    public void Write(IndexOutput o)
    {
        o.WriteInt32(MaxDoc);
        o.WriteVInt(Fields.Count);
        foreach (var f in Fields)
        {
            o.WriteString(f.Name);
            o.WriteByte((byte)f.Options);
            o.WriteByte(f.HasNorms ? (byte)1 : (byte)0);
            o.WriteVLong(f.TermCount);
            o.WriteVInt(f.DocCount);
            o.WriteVLong(f.SumTotalTermFreq);
            o.WriteVLong(f.SumDocFreq);
            o.WriteVLong(f.TermsIndexOffset);
            o.WriteVLong(f.NormsOffset + 1);
            o.WriteByte(f.NormsWidth);
            o.WriteVLong(f.TermBytes);
            o.WriteVLong(f.DocBytes);
            o.WriteVLong(f.PosBytes);
        }
        o.WriteVInt(Numerics.Count);
        foreach (var n in Numerics)
        {
            o.WriteString(n.Name);
            o.WriteVLong(n.Offset);
            o.WriteByte(n.Width);
            o.WriteInt64(n.Min);
        }
        o.WriteVInt(Sorted.Count);
        foreach (var s in Sorted)
        {
            o.WriteString(s.Name);
            o.WriteVLong(s.OrdsOffset);
            o.WriteByte(s.OrdWidth);
            o.WriteVInt(s.ValueCount);
            o.WriteVLong(s.ValuesOffset);
        }
        o.WriteVLong(IdsOffset);
    }

    public static unsafe SegmentMeta Read(string name, MappedFile f)
    {
        byte* p = f.Pointer;
        long pos = IndexFormat.HeaderLength;
        var m = new SegmentMeta { Name = name, MaxDoc = Mem.ReadInt32(p, pos) };
        pos += 4;
        if (m.MaxDoc < 0) throw new IndexCorruptException(f.Name, "negative document count");
        int nf = Mem.ReadVInt(p, ref pos);
        for (int i = 0; i < nf; i++)
        {
            var fm = new FieldMeta { Name = Mem.ReadString(p, ref pos), Options = (IndexOptions)p[pos++] };
            fm.HasNorms = p[pos++] != 0;
            fm.TermCount = Mem.ReadVLong(p, ref pos);
            fm.DocCount = Mem.ReadVInt(p, ref pos);
            fm.SumTotalTermFreq = Mem.ReadVLong(p, ref pos);
            fm.SumDocFreq = Mem.ReadVLong(p, ref pos);
            fm.TermsIndexOffset = Mem.ReadVLong(p, ref pos);
            fm.NormsOffset = Mem.ReadVLong(p, ref pos) - 1;
            fm.NormsWidth = p[pos++];
            fm.TermBytes = Mem.ReadVLong(p, ref pos);
            fm.DocBytes = Mem.ReadVLong(p, ref pos);
            fm.PosBytes = Mem.ReadVLong(p, ref pos);
            m.Fields.Add(fm);
        }
        int nn = Mem.ReadVInt(p, ref pos);
        for (int i = 0; i < nn; i++)
        {
            string n = Mem.ReadString(p, ref pos);
            long off = Mem.ReadVLong(p, ref pos);
            byte w = p[pos++];
            long min = Mem.ReadInt64(p, pos);
            pos += 8;
            m.Numerics.Add(new NumericColumnMeta { Name = n, Offset = off, Width = w, Min = min });
        }
        int ns = Mem.ReadVInt(p, ref pos);
        for (int i = 0; i < ns; i++)
        {
            string n = Mem.ReadString(p, ref pos);
            long off = Mem.ReadVLong(p, ref pos);
            byte w = p[pos++];
            int count = Mem.ReadVInt(p, ref pos);
            long voff = Mem.ReadVLong(p, ref pos);
            m.Sorted.Add(new SortedColumnMeta { Name = n, OrdsOffset = off, OrdWidth = w, ValueCount = count, ValuesOffset = voff });
        }
        m.IdsOffset = Mem.ReadVLong(p, ref pos);
        if (pos > f.DataEnd) throw new IndexCorruptException(f.Name, "segment info runs past the end of the file");
        return m;
    }
}
