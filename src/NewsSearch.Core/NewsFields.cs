namespace NewsSearch.Core;

/// <summary>
/// The index schema shared by every stage: which fields an article becomes and what they are called.
/// Word fields carry the segmenter's words (plus sub-words of long words); gram fields carry CJK
/// bigrams (and single characters) so that any substring of a title or body can be found.
/// </summary>
public static class NewsFields
{
    /// <summary>Article id: one untokenized term, and the stored key back into the article store.</summary>
    public const string Id = "id";
    public const string Title = "title";
    public const string Body = "body";
    public const string TitleGrams = "title.cjk";
    public const string BodyGrams = "body.cjk";
    /// <summary>One untokenized term per author name (reporters and correspondents).</summary>
    public const string Author = "author";
    /// <summary>Untokenized section name, also kept as a sorted doc value for filtering.</summary>
    public const string Section = "section";
    /// <summary>Numeric doc value: publication day as days since 1970-01-01 (long.MinValue when unknown).</summary>
    public const string PublishedDay = "published";

    public static readonly string[] TextFields = [Title, Body, TitleGrams, BodyGrams];
}
