namespace NewsSearch.Core.Store;

/// <summary>What kind of record a page yielded.</summary>
public enum ArticleKind
{
    Article,
    /// <summary>Text that continues from another page: no headline of its own.</summary>
    Continuation,
    /// <summary>A legal or lost-certificate notice.</summary>
    Notice,
}

/// <summary>
/// One article as the store keeps it: the source of truth the index is derived from.
/// </summary>
public sealed record Article
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Subtitle { get; init; }
    /// <summary>Kicker line above the headline (e.g. a column name), when the page has one.</summary>
    public string? Kicker { get; init; }
    public IReadOnlyList<string> Reporters { get; init; } = [];
    public IReadOnlyList<string> Correspondents { get; init; } = [];
    public DateOnly? PublishedAt { get; init; }
    /// <summary>How <see cref="PublishedAt"/> was obtained (e.g. "dateline+caller-year", "json").</summary>
    public string? DateSource { get; init; }
    public string? Section { get; init; }
    public string? Editor { get; init; }
    public ArticleKind Kind { get; init; } = ArticleKind.Article;
    public string? SourceFile { get; init; }
    public int? SourceStartLine { get; init; }
    public int? SourceEndLine { get; init; }
    /// <summary>Clean body: paragraphs separated by "\n"; subheads are their own paragraphs.</summary>
    public required string Body { get; init; }
    public IReadOnlyList<string> Captions { get; init; } = [];

    /// <summary>Reporters then correspondents.</summary>
    public IReadOnlyList<string> Authors => [.. Reporters, .. Correspondents];
}

/// <summary>An article with its store bookkeeping.</summary>
public sealed record StoredArticle(Article Article, string ContentHash, long Sequence, DateTimeOffset UpdatedAt);

/// <summary>One entry of the change feed: an upsert (Article set) or a delete (Article null).</summary>
public readonly record struct ArticleChange(string Id, long Sequence, Article? Article)
{
    public bool IsDelete => Article is null;
}

public enum UpsertOutcome { New, Updated, Unchanged }

/// <summary>The records one page yielded, filed under its page key, and the ids its records had under the first id scheme.</summary>
public sealed record PageWrite(string PageKey, IReadOnlyList<Article> Articles, IReadOnlyList<string> LegacyIds);

/// <summary>Outcomes in the page's record order, and the ids deleted (records the page no longer yields, old-scheme rows).</summary>
public sealed record PageWriteResult(UpsertOutcome[] Outcomes, IReadOnlyList<string> Deleted);
