namespace NewsSearch.Core.Index;

/// <summary>What a merge policy sees of a segment.</summary>
public readonly record struct MergeCandidate(string Name, long SizeBytes, int MaxDoc, int DelCount)
{
    /// <summary>Bytes the segment would keep after purging deletions.</summary>
    public long LiveBytes => MaxDoc == 0 ? 0 : (long)(SizeBytes * (1.0 - (double)DelCount / MaxDoc));
}

/// <summary>Chooses which segments to merge next.</summary>
public abstract class MergePolicy
{
    /// <summary>Indexes (into <paramref name="segments"/>) of one merge to run, or null when none is worth it.</summary>
    public abstract IReadOnlyList<int>? FindMerge(IReadOnlyList<MergeCandidate> segments);
}

/// <summary>
/// Lucene-style tiered merging: segments are grouped in tiers of similar size; when there are more segments than
/// the tiers allow, the cheapest well-balanced run of up to <see cref="MaxMergeAtOnce"/> similar-size segments is
/// merged. Segments whose deleted share exceeds <see cref="DeletesPctAllowed"/> are merged (purged) too.
/// </summary>
public sealed class TieredMergePolicy : MergePolicy
{
    public int SegmentsPerTier { get; init; } = 10;
    public int MaxMergeAtOnce { get; init; } = 10;
    public long FloorSegmentBytes { get; init; } = 2L << 20;
    public long MaxMergedSegmentBytes { get; init; } = 5L << 30;
    public double DeletesPctAllowed { get; init; } = 20;

    public override IReadOnlyList<int>? FindMerge(IReadOnlyList<MergeCandidate> segments)
    {
        if (segments.Count == 0) return null;
        var bySize = Enumerable.Range(0, segments.Count)
            .OrderByDescending(i => segments[i].LiveBytes).ToList();
        long Floored(int i) => Math.Max(FloorSegmentBytes, segments[i].LiveBytes);

        // How many segments the tiers allow for this much data.
        long total = 0;
        long minSize = long.MaxValue;
        foreach (int i in bySize) { total += segments[i].LiveBytes; minSize = Math.Min(minSize, Floored(i)); }
        double allowed = 0;
        long level = minSize;
        long rest = total;
        while (true)
        {
            double countAtLevel = (double)rest / level;
            if (countAtLevel < SegmentsPerTier) { allowed += Math.Ceiling(countAtLevel); break; }
            allowed += SegmentsPerTier;
            rest -= SegmentsPerTier * level;
            level *= MaxMergeAtOnce;
        }
        allowed = Math.Max(allowed, SegmentsPerTier);

        bool tooMany = segments.Count > allowed;
        if (tooMany)
        {
            List<int>? best = null;
            double bestScore = double.MaxValue;
            for (int start = 0; start < bySize.Count; start++)
            {
                var window = new List<int>();
                long windowBytes = 0, flooredBytes = 0, largest = 0;
                for (int k = start; k < bySize.Count && window.Count < MaxMergeAtOnce; k++)
                {
                    int i = bySize[k];
                    if (windowBytes + segments[i].LiveBytes > MaxMergedSegmentBytes) continue;
                    window.Add(i);
                    windowBytes += segments[i].LiveBytes;
                    flooredBytes += Floored(i);
                    largest = Math.Max(largest, Floored(i));
                }
                if (window.Count < 2) continue;
                // Lower is better: balanced (skew), small, and reclaiming deletions.
                double skew = (double)largest / flooredBytes;
                long before = window.Sum(i => segments[i].SizeBytes);
                double reclaim = before == 0 ? 1 : (double)windowBytes / before;
                double score = skew * Math.Pow(Math.Max(windowBytes, 1), 0.05) * reclaim * reclaim;
                if (score < bestScore) { bestScore = score; best = window; }
            }
            if (best is not null) return best;
        }

        // Purge segments carrying too many deletions (a singleton merge rewrites one without them).
        int worst = -1;
        double worstPct = DeletesPctAllowed;
        for (int i = 0; i < segments.Count; i++)
        {
            if (segments[i].MaxDoc == 0) continue;
            double pct = 100.0 * segments[i].DelCount / segments[i].MaxDoc;
            if (pct > worstPct) { worstPct = pct; worst = i; }
        }
        return worst >= 0 ? [worst] : null;
    }
}
