using Lucene.Net.Documents;
using Lucene.Net.Util;
using NewsSearch.Core;
using NewsSearch.Core.Index;
using LDocument = Lucene.Net.Documents.Document;
using LField = Lucene.Net.Documents.Field;
using LStringField = Lucene.Net.Documents.StringField;
using LTextField = Lucene.Net.Documents.TextField;
using NsAnalyzer = NewsSearch.Core.Analysis.Analyzer;
using NsDocument = NewsSearch.Core.Index.Document;
using SortedDocValuesField = Lucene.Net.Documents.SortedDocValuesField;
using NumericDocValuesField = Lucene.Net.Documents.NumericDocValuesField;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// Our <see cref="NsDocument"/> as Lucene fields, the same schema as the native engine (docs/index.md):
/// text fields indexed with freqs, positions and norms but not stored (the text lives in the article store);
/// id an indexed, unstored StringField (updates and deletes by id) plus a sorted doc value (the tie-break of every
/// sort, and hit ids); author and section StringFields; published a NumericDocValuesField plus an indexed
/// Int64Field (date ranges); section and kind sorted doc values, author sorted-set doc values (facets, sort); kind
/// also a StringField (the native engine filters kind by doc value; a term is cheaper here).
/// <para>
/// One builder per writer, used by one thread at a time (the index manager serializes writes), so every Lucene
/// field object is made once and refilled per document: Lucene then reuses each field's token stream and its
/// attributes (a new StringField or Int64Field would build a new token stream with reflection-looked-up attributes
/// per document), and the text fields carry our token streams set to the value directly (no reader copy).
/// </para>
/// </summary>
internal sealed class LuceneDocumentBuilder(Func<string, NsAnalyzer> chainOf)
{
    private readonly Dictionary<(string Name, int Occurrence), LField> _text = [];
    private readonly Dictionary<(string Name, int Occurrence), LStringField> _strings = [];
    private readonly Dictionary<(string Name, int Occurrence), SortedSetDocValuesField> _sortedSets = [];
    private readonly Dictionary<string, SortedDocValuesField> _sorted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NumericDocValuesField> _numeric = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Int64Field> _int64 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly LStringField _id = new(NewsFields.Id, "", LField.Store.NO);
    private readonly SortedDocValuesField _idValue = new(NewsFields.Id, new BytesRef());

    /// <summary>The Lucene document for <paramref name="document"/>; valid until the next call.</summary>
    public LDocument Build(NsDocument document)
    {
        var doc = new LDocument();
        _seen.Clear();
        _id.SetStringValue(document.Id);
        doc.Add(_id);
        doc.Add(Bytes(_idValue, document.Id));
        foreach (var f in document.TextFields)
        {
            var key = (f.Name, Occurrence(f.Name));
            if (!_text.TryGetValue(key, out var field))
                _text[key] = field = new LField(f.Name, new NewsLuceneTokenStream(chainOf(f.Name).CreateTokenStream()), LTextField.TYPE_NOT_STORED);
            ((NewsLuceneTokenStream)field.GetTokenStreamValue()).SetText(f.Text);
            doc.Add(field);
        }
        foreach (var f in document.StringFields)
        {
            var key = (f.Name, Occurrence("s:" + f.Name));
            if (!_strings.TryGetValue(key, out var field)) _strings[key] = field = new LStringField(f.Name, "", LField.Store.NO);
            field.SetStringValue(f.Value);
            doc.Add(field);
            if (f.Name == NewsFields.Author)
            {
                if (!_sortedSets.TryGetValue(key, out var values)) _sortedSets[key] = values = new SortedSetDocValuesField(f.Name, new BytesRef());
                doc.Add(Bytes(values, f.Value));
            }
        }
        foreach (var f in document.SortedFields)
        {
            if (!_sorted.TryGetValue(f.Name, out var field)) _sorted[f.Name] = field = new SortedDocValuesField(f.Name, new BytesRef());
            doc.Add(Bytes(field, f.Value));
            if (f.Name == ArticleDocuments.KindField)
            {
                var key = (f.Name, Occurrence("s:" + f.Name));
                if (!_strings.TryGetValue(key, out var term)) _strings[key] = term = new LStringField(f.Name, "", LField.Store.NO);
                term.SetStringValue(f.Value);
                doc.Add(term);
            }
        }
        foreach (var f in document.NumericFields)
        {
            if (!_numeric.TryGetValue(f.Name, out var values)) _numeric[f.Name] = values = new NumericDocValuesField(f.Name, 0L);
            values.SetInt64Value(f.Value);
            doc.Add(values);
            if (!_int64.TryGetValue(f.Name, out var range)) _int64[f.Name] = range = new Int64Field(f.Name, 0L, LField.Store.NO);
            range.SetInt64Value(f.Value);
            doc.Add(range);
        }
        return doc;
    }

    private int Occurrence(string name)
    {
        int n = _seen.GetValueOrDefault(name);
        _seen[name] = n + 1;
        return n;
    }

    /// <summary>Refills a doc-value field's bytes in place (Lucene copies them when the document is added).</summary>
    private static LField Bytes(LField field, string value)
    {
        var bytes = field.GetBinaryValue();
        bytes.CopyChars(value);
        return field;
    }
}
