using NUnit.Framework;
using System.Text;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Tests.Index;

/// <summary>Temp folders, random documents and an in-memory model of what the index must contain.</summary>
internal static class IndexTestKit
{
    public static string NewTempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "ns-index-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static IndexWriterConfig Config(bool background = false, long ram = 16L << 20, MergePolicy? policy = null) => new()
    {
        Analyzers = TestAnalysis.For,
        AnalysisSignature = TestAnalysis.Signature,
        RamBufferBytes = ram,
        BackgroundMerges = background,
        MergePolicy = policy ?? new TieredMergePolicy(),
    };

    /// <summary>Zipf-ish word salad: w0 is in almost every doc, the tail is rare.</summary>
    public static string RandomText(Random rng, int words)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < words; i++)
        {
            if (i > 0) sb.Append(' ');
            double u = rng.NextDouble();
            int w = (int)(Math.Pow(u, 3) * 600);
            sb.Append('w').Append(w);
        }
        return sb.ToString();
    }

    public static Document MakeDoc(string id, string title, string body, string? section = null, long? day = null, params string[] authors)
    {
        var d = new Document { Id = id };
        d.TextFields.Add(new TextField(NewsFields.Title, title));
        d.TextFields.Add(new TextField(NewsFields.Body, body));
        d.TextFields.Add(new TextField(NewsFields.BodyGrams, body));
        foreach (var a in authors) d.StringFields.Add(new StringField(NewsFields.Author, a));
        if (section is not null)
        {
            d.StringFields.Add(new StringField(NewsFields.Section, section));
            d.SortedFields.Add(new SortedDocValuesField(NewsFields.Section, section));
        }
        if (day is { } v) d.NumericFields.Add(new NumericDocValuesField(NewsFields.PublishedDay, v));
        return d;
    }

    /// <summary>field → term → id → positions, of the live docs as the model says.</summary>
    public static SortedDictionary<string, string> Expected(IEnumerable<Document> docs)
    {
        var map = new Dictionary<(string Field, string Term), SortedDictionary<string, List<int>>>();
        foreach (var d in docs)
        {
            foreach (var tf in d.TextFields)
            {
                var a = TestAnalysis.For(tf.Name).CreateTokenStream();
                a.SetText(tf.Text);
                int pos = -1;
                while (a.IncrementToken())
                {
                    pos += a.PositionIncrement;
                    Add(map, tf.Name, a.Term.ToString(), d.Id, pos);
                }
            }
            foreach (var sf in d.StringFields) Add(map, sf.Name, sf.Value, d.Id, -1);
            Add(map, NewsFields.Id, d.Id, d.Id, -1);
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var ((field, term), ids) in map) result[field + ":" + term] = Render(ids);
        return result;
    }

    private static void Add(Dictionary<(string, string), SortedDictionary<string, List<int>>> map, string field, string term, string id, int pos)
    {
        if (!map.TryGetValue((field, term), out var ids)) map[(field, term)] = ids = new(StringComparer.Ordinal);
        if (!ids.TryGetValue(id, out var list)) ids[id] = list = [];
        list.Add(pos);
    }

    private static string Render(SortedDictionary<string, List<int>> ids) =>
        string.Join(" ", ids.Select(p => p.Key + "@" + string.Join(",", p.Value)));

    /// <summary>The same view read back from a snapshot through TermsEnum and PostingsEnum (live docs only).</summary>
    public static SortedDictionary<string, string> Actual(IndexSnapshot snapshot)
    {
        var map = new Dictionary<(string Field, string Term), SortedDictionary<string, List<int>>>();
        foreach (var leaf in snapshot.Segments)
        {
            foreach (var field in leaf.FieldNames)
            {
                var te = leaf.GetTerms(field)!;
                string? prev = null;
                while (te.Next())
                {
                    string term = te.Term.ToString();
                    if (prev is not null) Assert.That(string.CompareOrdinal(prev, term), Is.LessThan(0), $"terms out of order in {field}");
                    prev = term;
                    bool positional = field is NewsFields.Title or NewsFields.Body or NewsFields.BodyGrams or NewsFields.TitleGrams;
                    var pe = te.Postings(positional);
                    int df = 0;
                    long ttf = 0;
                    for (int d = pe.NextDoc(); d != PostingsEnum.NoMoreDocs; d = pe.NextDoc())
                    {
                        df++;
                        ttf += pe.Freq;
                        var positions = new List<int>();
                        for (int k = 0; k < pe.Freq; k++) positions.Add(positional ? pe.NextPosition() : -1);
                        if (!leaf.IsLive(d)) continue;
                        foreach (var p in positions) Add(map, field, term, leaf.GetId(d), p);
                    }
                    Assert.That(df, Is.EqualTo(te.DocFreq), $"doc freq of {field}:{term}");
                    Assert.That(ttf, Is.EqualTo(te.TotalTermFreq), $"total term freq of {field}:{term}");
                }
            }
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var ((field, term), ids) in map) result[field + ":" + term] = Render(ids);
        return result;
    }

    public static void AssertSameContent(IEnumerable<Document> live, IndexSnapshot snapshot)
    {
        var expected = Expected(live);
        var actual = Actual(snapshot);
        var missing = expected.Keys.Except(actual.Keys).Take(5).ToList();
        var extra = actual.Keys.Except(expected.Keys).Take(5).ToList();
        Assert.That(missing, Is.Empty, "terms missing from the index");
        Assert.That(extra, Is.Empty, "terms in the index but not in the live docs");
        foreach (var (key, value) in expected)
            Assert.That(actual[key], Is.EqualTo(value), $"postings of {key}");
    }
}

/// <summary>A fresh temporary folder per test (<see cref="Folder"/>), deleted afterwards.</summary>
public abstract class TempFolderTest
{
    protected string Folder { get; private set; } = "";

    [SetUp]
    public void CreateFolder() => Folder = IndexTestKit.NewTempFolder();

    [TearDown]
    public void DeleteFolder()
    {
        try { Directory.Delete(Folder, true); } catch (IOException) { }
    }
}
