namespace NewsSearch.Core.Index;

/// <summary>
/// Merges segments into one, dropping deleted docs: terms of each field are merged in ordinal order (k-way over
/// the sources' term enums), postings are re-based through per-source doc maps, and norms, doc values and ids are
/// copied for live docs. Reads only immutable data, so it runs without the writer's lock.
/// </summary>
internal static class SegmentMerger
{
    public sealed record Result(List<IndexFileInfo> Files, int[][] DocMaps, int MaxDoc);

    public static Result? Merge(string folder, string name, IReadOnlyList<(SegmentCore Core, DeletedDocs? Deleted)> sources, CancellationToken ct)
    {
        var docMaps = new int[sources.Count][];
        int maxDoc = 0;
        for (int s = 0; s < sources.Count; s++)
        {
            var (core, del) = sources[s];
            var map = new int[core.MaxDoc];
            for (int d = 0; d < core.MaxDoc; d++) map[d] = del is not null && del.IsDeleted(d) ? -1 : maxDoc++;
            docMaps[s] = map;
        }
        if (maxDoc == 0) return new Result([], docMaps, 0);

        using var w = new SegmentWriter(folder, name, maxDoc);
        var fieldNames = sources.SelectMany(s => s.Core.Fields.Select(f => f.Meta.Name))
            .Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var termScratch = new char[IndexFormat.MaxTermLength + 1];
        foreach (var field in fieldNames)
        {
            ct.ThrowIfCancellationRequested();
            var readers = new List<(FieldReader Reader, int Source)>();
            for (int s = 0; s < sources.Count; s++)
                if (sources[s].Core.GetField(field) is { } fr) readers.Add((fr, s));
            var options = readers.Max(r => r.Reader.Meta.Options);
            bool positions = options == IndexOptions.DocsFreqsPositions;
            // Lengths first: the postings' score bounds (skip data) need them.
            int[]? lengths = null;
            if (readers.Any(r => r.Reader.Meta.HasNorms))
            {
                lengths = new int[maxDoc];
                for (int s = 0; s < sources.Count; s++)
                {
                    var map = docMaps[s];
                    var norms = sources[s].Core.GetFieldLengths(field);
                    for (int d = 0; d < map.Length; d++)
                        if (map[d] >= 0) lengths[map[d]] = norms.Get(d);
                }
            }
            w.BeginField(field, options, lengths);
            var enums = new SegmentTermsEnum[readers.Count];
            var active = new bool[readers.Count];
            for (int i = 0; i < readers.Count; i++) { enums[i] = new SegmentTermsEnum(readers[i].Reader); active[i] = enums[i].Next(); }
            while (true)
            {
                int min = -1;
                for (int i = 0; i < enums.Length; i++)
                    if (active[i] && (min < 0 || enums[i].Term.SequenceCompareTo(enums[min].Term) < 0)) min = i;
                if (min < 0) break;
                int len = enums[min].Term.Length;
                enums[min].Term.CopyTo(termScratch);
                var term = termScratch.AsSpan(0, len);
                for (int i = 0; i < enums.Length; i++)
                {
                    if (!active[i] || !enums[i].Term.SequenceEqual(term)) continue;
                    var map = docMaps[readers[i].Source];
                    bool srcPositions = positions && readers[i].Reader.Meta.HasPositions;
                    var pe = enums[i].Postings(srcPositions);
                    for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
                    {
                        int nd = map[d];
                        if (nd < 0) continue;
                        int freq = pe.Freq;
                        w.AddDoc(nd, freq);
                        if (positions)
                        {
                            if (srcPositions) for (int k = 0; k < freq; k++) w.AddPosition(pe.NextPosition());
                            else for (int k = 0; k < freq; k++) w.AddPosition(0);
                        }
                    }
                    active[i] = enums[i].Next();
                }
                w.FinishTerm(term);
            }
            w.EndField();
            if (lengths is not null) w.WriteNorms(field, lengths);
        }

        foreach (var col in sources.SelectMany(s => s.Core.Meta.Numerics.Select(n => n.Name)).Distinct().OrderBy(n => n, StringComparer.Ordinal))
        {
            var values = new long[maxDoc];
            for (int s = 0; s < sources.Count; s++)
            {
                var map = docMaps[s];
                for (int d = 0; d < map.Length; d++)
                    if (map[d] >= 0) values[map[d]] = sources[s].Core.GetNumeric(col, d, long.MinValue);
            }
            w.WriteNumeric(col, values);
        }
        foreach (var col in sources.SelectMany(s => s.Core.Meta.Sorted.Select(n => n.Name)).Distinct().OrderBy(n => n, StringComparer.Ordinal))
        {
            var values = new string?[maxDoc];
            for (int s = 0; s < sources.Count; s++)
            {
                var reader = sources[s].Core.GetSorted(col);
                if (reader is null) continue;
                var map = docMaps[s];
                for (int d = 0; d < map.Length; d++)
                {
                    if (map[d] < 0) continue;
                    int ord = reader.GetOrd(d);
                    values[map[d]] = ord < 0 ? null : reader.LookupOrd(ord);
                }
            }
            w.WriteSorted(col, values);
        }

        var ids = new string[maxDoc];
        for (int s = 0; s < sources.Count; s++)
        {
            var map = docMaps[s];
            for (int d = 0; d < map.Length; d++)
                if (map[d] >= 0) ids[map[d]] = sources[s].Core.GetId(d);
        }
        w.WriteIds(d => ids[d]);
        return new Result(w.Finish(), docMaps, maxDoc);
    }
}
