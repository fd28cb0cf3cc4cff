using NewsSearch.Core.Store;

namespace NewsSearch.Core.Index;

/// <summary>
/// How an <see cref="Article"/> becomes an index <see cref="Document"/> (the schema in <see cref="NewsFields"/>).
/// <list type="bullet">
/// <item>id: the article id (a term, and the stored key).</item>
/// <item>title, title.cjk: the title, with the subtitle appended after a newline (matches in the subtitle count as
/// title matches; the highlighter re-analyzes the title alone, so offsets into Title stay valid).</item>
/// <item>body, body.cjk: the body only (captions are not indexed, so body offsets match the stored body).</item>
/// <item>author: one untokenized term per reporter and correspondent.</item>
/// <item>section: an untokenized term and a sorted doc value.</item>
/// <item>published: numeric doc value, days since 1970-01-01 (absent when the date is unknown).</item>
/// <item>kind: sorted doc value "article", "continuation" or "notice", so search can filter notices out.</item>
/// </list>
/// </summary>
public static class ArticleDocuments
{
    /// <summary>Sorted doc value holding <see cref="ArticleKind"/> in lower case.</summary>
    public const string KindField = "kind";

    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    public static long DayOf(DateOnly date) => date.DayNumber - EpochDay;

    public static DateOnly DateOfDay(long day) => DateOnly.FromDayNumber((int)(day + EpochDay));

    public static string KindValue(ArticleKind kind) => kind switch
    {
        ArticleKind.Article => "article",
        ArticleKind.Continuation => "continuation",
        ArticleKind.Notice => "notice",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static Document ToDocument(Article article)
    {
        var doc = new Document { Id = article.Id };
        string title = string.IsNullOrEmpty(article.Subtitle) ? article.Title : article.Title + "\n" + article.Subtitle;
        doc.TextFields.Add(new TextField(NewsFields.Title, title));
        doc.TextFields.Add(new TextField(NewsFields.TitleGrams, title));
        doc.TextFields.Add(new TextField(NewsFields.Body, article.Body));
        doc.TextFields.Add(new TextField(NewsFields.BodyGrams, article.Body));
        foreach (var author in article.Authors)
            if (!string.IsNullOrWhiteSpace(author)) doc.StringFields.Add(new StringField(NewsFields.Author, author.Trim()));
        if (!string.IsNullOrWhiteSpace(article.Section))
        {
            string section = article.Section.Trim();
            doc.StringFields.Add(new StringField(NewsFields.Section, section));
            doc.SortedFields.Add(new SortedDocValuesField(NewsFields.Section, section));
        }
        if (article.PublishedAt is { } date) doc.NumericFields.Add(new NumericDocValuesField(NewsFields.PublishedDay, DayOf(date)));
        doc.SortedFields.Add(new SortedDocValuesField(KindField, KindValue(article.Kind)));
        return doc;
    }
}
