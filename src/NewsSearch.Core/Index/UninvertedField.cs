namespace NewsSearch.Core.Index;

/// <summary>
/// A keyword field's terms per document (Lucene's <c>DocTermOrds</c>, uninverted from the postings): term ordinals
/// by document in one array (<see cref="Ords"/>, document d's from <see cref="Starts"/>[d] to
/// <see cref="Starts"/>[d + 1]) and the terms by ordinal. Built from the segment's postings on first use and kept
/// with the segment (<see cref="SegmentCore.Uninverted"/>), so counting the authors of a few matches reads those
/// matches' ordinals instead of every author's postings.
/// </summary>
internal sealed class UninvertedField
{
    private UninvertedField(string[] terms, int[] starts, int[] ords)
    {
        Terms = terms;
        Starts = starts;
        Ords = ords;
    }

    public string[] Terms { get; }

    public int[] Starts { get; }

    public int[] Ords { get; }

    public static UninvertedField Build(SegmentReader leaf, string field)
    {
        int maxDoc = leaf.MaxDoc;
        var starts = new int[maxDoc + 1];
        var terms = new List<string>();
        PostingsEnum? reuse = null;
        // Pass 1: terms per document (counted at starts[d + 1]).
        var te = leaf.GetTerms(field);
        if (te is not null)
            while (te.Next())
            {
                terms.Add(te.Term.ToString());
                var pe = reuse = te.Postings(false, reuse);
                for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc()) starts[d + 1]++;
            }
        for (int d = 0; d < maxDoc; d++) starts[d + 1] += starts[d];
        // Pass 2: ordinals in term order within each document.
        var ords = new int[starts[maxDoc]];
        var fill = (int[])starts.Clone();
        te = leaf.GetTerms(field);
        int ord = 0;
        if (te is not null)
            while (te.Next())
            {
                var pe = reuse = te.Postings(false, reuse);
                for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc()) ords[fill[d]++] = ord;
                ord++;
            }
        return new UninvertedField([.. terms], starts, ords);
    }
}
