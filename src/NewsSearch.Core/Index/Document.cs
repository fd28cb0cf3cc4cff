namespace NewsSearch.Core.Index;

/// <summary>One document handed to the <c>IndexWriter</c> (Lucene's Document): typed fields, no behaviour.</summary>
public sealed class Document
{
    public List<TextField> TextFields { get; } = [];
    public List<StringField> StringFields { get; } = [];
    public List<NumericDocValuesField> NumericFields { get; } = [];
    public List<SortedDocValuesField> SortedFields { get; } = [];

    /// <summary>The article id: indexed as one term of <see cref="NewsFields.Id"/> and stored for retrieval.</summary>
    public required string Id { get; init; }
}

/// <summary>Analyzed text: terms with positions, field length kept for BM25.</summary>
public readonly record struct TextField(string Name, string Text);

/// <summary>One untokenized term (e.g. an author name); no positions.</summary>
public readonly record struct StringField(string Name, string Value);

/// <summary>A long per document for filtering and sorting (e.g. publication day).</summary>
public readonly record struct NumericDocValuesField(string Name, long Value);

/// <summary>A string per document kept as an ordinal into a sorted table (e.g. section).</summary>
public readonly record struct SortedDocValuesField(string Name, string Value);
