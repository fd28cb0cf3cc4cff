using NewsSearch.Core.Engine;

namespace NewsSearch.Core.Index;

/// <summary>
/// `newssearch check` for a native index folder: the newest commit must read, every file must match the length
/// and CRC-32C the commit records and its own footer, and every segment's structure must hold (terms strictly
/// increasing, postings strictly increasing below MaxDoc, as many docs as the term's doc freq, ids readable,
/// deletion counts as committed). Reports problems; never throws for corruption.
/// </summary>
internal static class NativeIndexCheck
{
    public static EngineCheckResult Run(string folder)
    {
        var problems = new List<string>();
        var gens = CommitPoint.ListGenerations(folder);
        if (gens.Count == 0) return new EngineCheckResult(true, EngineNames.Native, 0, 0, problems);
        CommitPoint commit;
        try { commit = CommitPoint.Read(Path.Combine(folder, IndexFormat.CommitFile(gens[0]))); }
        catch (IOException e)
        {
            problems.Add(e.Message);
            return new EngineCheckResult(false, EngineNames.Native, gens[0], 0, problems);
        }
        // Older commits kept as fall-backs must read too (their checksums cover them).
        foreach (long gen in gens.Skip(1))
        {
            try { CommitPoint.Read(Path.Combine(folder, IndexFormat.CommitFile(gen))); }
            catch (IOException e) { problems.Add(e.Message); }
        }
        foreach (var seg in commit.Segments)
        {
            SegmentCore? core = null;
            try
            {
                core = SegmentCore.Open(folder, seg.Name, seg.Files.ToDictionary(f => f.Name), verifyChecksums: true);
                if (core.MaxDoc != seg.MaxDoc) problems.Add($"segment {seg.Name}: {core.MaxDoc} docs, the commit says {seg.MaxDoc}");
                if (seg.DelFile is { } d)
                {
                    var del = DeletedDocs.Read(Path.Combine(folder, d.Name), seg.MaxDoc, d.Length, d.Checksum);
                    if (del.Count != seg.DelCount) problems.Add($"{d.Name}: {del.Count} deletions, the commit says {seg.DelCount}");
                }
                CheckStructure(core, problems);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or IndexOutOfRangeException)
            {
                problems.Add($"segment {seg.Name}: {e.Message}");
            }
            finally { core?.DecRef(); }
        }
        return new EngineCheckResult(problems.Count == 0, EngineNames.Native, commit.Generation, commit.NumDocs, problems);
    }

    private static void CheckStructure(SegmentCore core, List<string> problems)
    {
        var reader = new SegmentReader(core, null);
        for (int doc = 0; doc < core.MaxDoc; doc++)
            if (core.GetIdUtf8(doc).IsEmpty) { problems.Add($"segment {core.Name}: doc {doc} has an empty id"); break; }
        foreach (var field in core.Fields)
        {
            string name = field.Meta.Name;
            var terms = reader.GetTerms(name);
            if (terms is null) continue;
            string? previous = null;
            PostingsEnum? reuse = null;
            ulong[]? walked = null, stored = null;
            long count = 0;
            while (terms.Next())
            {
                string term = terms.Term.ToString();
                if (previous is not null && string.CompareOrdinal(previous, term) >= 0)
                {
                    problems.Add($"segment {core.Name} field {name}: term '{term}' does not follow '{previous}'");
                    return;
                }
                previous = term;
                var pe = reuse = terms.Postings(false, reuse);
                int last = -1, docs = 0;
                bool dense = IndexFormat.IsDense(terms.DocFreq, core.MaxDoc);
                if (dense) Array.Clear(walked ??= new ulong[(core.MaxDoc + 63) >> 6]);
                for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
                {
                    if (dense && d < core.MaxDoc) walked![d >> 6] |= 1UL << d;
                    if (d <= last || d >= core.MaxDoc)
                    {
                        problems.Add($"segment {core.Name} field {name} term '{term}': doc {d} after {last} (MaxDoc {core.MaxDoc})");
                        return;
                    }
                    last = d;
                    docs++;
                }
                if (docs != terms.DocFreq)
                {
                    problems.Add($"segment {core.Name} field {name} term '{term}': {docs} docs, doc freq says {terms.DocFreq}");
                    return;
                }
                if (dense)
                {
                    // A dense term's bitset (what counting reads) must hold exactly its postings' documents.
                    Array.Clear(stored ??= new ulong[walked!.Length]);
                    terms.Postings(false, null).IntoBitSet(stored);
                    if (!stored.AsSpan().SequenceEqual(walked))
                    {
                        problems.Add($"segment {core.Name} field {name} term '{term}': its document bitset differs from its postings");
                        return;
                    }
                }
                if (field.Meta.HasFreqs && field.Meta.HasNorms && terms.DocFreq >= IndexFormat.BlockSize
                    && CheckImpacts(terms, core.GetFieldLengths(name)) is { } bad)
                {
                    problems.Add($"segment {core.Name} field {name} term '{term}': {bad}");
                    return;
                }
                count++;
            }
            if (count != field.Meta.TermCount)
                problems.Add($"segment {core.Name} field {name}: {count} terms, the metadata says {field.Meta.TermCount}");
        }
    }

    /// <summary>The score bounds in a term's skip data (Impacts.cs) must dominate every posting: the term's all of
    /// them, each 128-doc block's its own docs, and a block must end where its entry says. Null when they do.</summary>
    private static string? CheckImpacts(TermsEnum terms, FieldLengths lengths)
    {
        var postings = terms.Postings(false, null);
        var probe = terms.Postings(false, null);
        Span<Impact> termPairs = stackalloc Impact[ImpactsBuilder.MaxStored];
        Span<Impact> blockPairs = stackalloc Impact[ImpactsBuilder.MaxStored];
        int termCount = probe.TermImpacts(termPairs);
        if (termCount == 0) return "no score bounds in its skip data";
        int full = terms.DocFreq / IndexFormat.BlockSize * IndexFormat.BlockSize;
        int k = 0, blockCount = 0, blockLast = -1;
        static bool Dominated(ReadOnlySpan<Impact> pairs, int freq, int length)
        {
            foreach (var p in pairs)
                if (p.Freq >= freq && p.Length <= length) return true;
            return false;
        }
        for (int d = postings.NextDoc(); d != PostingsEnum.NoMoreDocs; d = postings.NextDoc(), k++)
        {
            int freq = postings.Freq, length = lengths.Get(d);
            if (!Dominated(termPairs[..termCount], freq, length))
                return $"doc {d} (freq {freq}, length {length}) exceeds the term's score bounds";
            if (k >= full) continue;
            if (k % IndexFormat.BlockSize == 0)
            {
                blockLast = probe.BlockImpacts(d, blockPairs, out blockCount);
                if (blockCount == 0) return $"the block starting at doc {d} has no score bounds";
            }
            if (!Dominated(blockPairs[..blockCount], freq, length))
                return $"doc {d} (freq {freq}, length {length}) exceeds its block's score bounds";
            if (k % IndexFormat.BlockSize == IndexFormat.BlockSize - 1 && blockLast != d)
                return $"a block ends at doc {d}, its skip entry says {blockLast}";
        }
        return null;
    }
}
