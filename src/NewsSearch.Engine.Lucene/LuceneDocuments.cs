using Lucene.Net.Documents;
using Lucene.Net.Util;
using NewsSearch.Core;
using NewsSearch.Core.Index;
using LDocument = Lucene.Net.Documents.Document;
using LStringField = Lucene.Net.Documents.StringField;
using LTextField = Lucene.Net.Documents.TextField;
using NsDocument = NewsSearch.Core.Index.Document;
using SortedDocValuesField = Lucene.Net.Documents.SortedDocValuesField;
using NumericDocValuesField = Lucene.Net.Documents.NumericDocValuesField;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// Our <see cref="NsDocument"/> as Lucene fields, the same schema as the native engine (docs/index.md):
/// text fields indexed with freqs, positions and norms but not stored (the text lives in the article store);
/// id a stored StringField plus a sorted doc value (the tie-break of every sort, and hit ids without stored-field
/// reads); author and section StringFields; published a NumericDocValuesField plus an indexed Int64Field (date
/// ranges); section and kind sorted doc values, author sorted-set doc values (facets, sort); kind also a
/// StringField (the native engine filters kind by doc value; a term is cheaper here).
/// </summary>
internal static class LuceneDocuments
{
    public static LDocument ToLucene(NsDocument document)
    {
        var doc = new LDocument
        {
            new LStringField(NewsFields.Id, document.Id, Field.Store.YES),
            new SortedDocValuesField(NewsFields.Id, new BytesRef(document.Id)),
        };
        foreach (var f in document.TextFields) doc.Add(new LTextField(f.Name, f.Text, Field.Store.NO));
        foreach (var f in document.StringFields)
        {
            doc.Add(new LStringField(f.Name, f.Value, Field.Store.NO));
            if (f.Name == NewsFields.Author) doc.Add(new SortedSetDocValuesField(f.Name, new BytesRef(f.Value)));
        }
        foreach (var f in document.SortedFields)
        {
            doc.Add(new SortedDocValuesField(f.Name, new BytesRef(f.Value)));
            if (f.Name == ArticleDocuments.KindField) doc.Add(new LStringField(f.Name, f.Value, Field.Store.NO));
        }
        foreach (var f in document.NumericFields)
        {
            doc.Add(new NumericDocValuesField(f.Name, f.Value));
            doc.Add(new Int64Field(f.Name, f.Value, Field.Store.NO));
        }
        return doc;
    }
}
