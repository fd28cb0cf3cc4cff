namespace NewsSearch.Core.Index;

/// <summary>
/// An immutable point-in-time view of the index: the segments of one commit (Lucene's DirectoryReader).
/// Searches hold one for their whole duration; writers publish a new one after each commit.
/// </summary>
public class DirectoryReader
{
    public DirectoryReader(IReadOnlyList<LeafReader> leaves, long storeSequence, long generation)
    {
        Leaves = leaves;
        StoreSequence = storeSequence;
        Generation = generation;
        int maxDoc = 0, numDocs = 0;
        foreach (var leaf in leaves) { maxDoc += leaf.MaxDoc; numDocs += leaf.NumDocs; }
        MaxDoc = maxDoc;
        NumDocs = numDocs;
    }

    /// <summary>Segments in doc-base order.</summary>
    public IReadOnlyList<LeafReader> Leaves { get; }

    public int MaxDoc { get; }

    public int NumDocs { get; }

    /// <summary>Highest article-store change sequence this snapshot contains.</summary>
    public long StoreSequence { get; }

    /// <summary>Commit generation this snapshot was opened from.</summary>
    public long Generation { get; }

    public long DocFreq(string field, ReadOnlySpan<char> term)
    {
        long df = 0;
        foreach (var leaf in Leaves) df += leaf.DocFreq(field, term);
        return df;
    }

    public FieldStatistics GetFieldStatistics(string field)
    {
        long docCount = 0, sumTtf = 0, sumDf = 0;
        foreach (var leaf in Leaves)
        {
            var s = leaf.GetFieldStatistics(field);
            docCount += s.DocCount; sumTtf += s.SumTotalTermFreq; sumDf += s.SumDocFreq;
        }
        return new FieldStatistics(docCount, sumTtf, sumDf);
    }
}
