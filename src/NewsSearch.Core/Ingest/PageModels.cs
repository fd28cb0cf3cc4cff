using NewsSearch.Core.Store;

namespace NewsSearch.Core.Ingest;

/// <summary>What the caller knows about a page that the page itself may not say.</summary>
public sealed record PageParseOptions
{
    /// <summary>
    /// The page's path in its archive (<see cref="PageIds.PagePath"/>: from the dated folders down, else relative to
    /// the folder ingested, else the file name), used in ids and kept as the article's source.
    /// </summary>
    public string? SourceFile { get; init; }

    /// <summary>The page's publication date when the caller knows it (e.g. <c>--date 2026-01-08</c>).</summary>
    public DateOnly? Date { get; init; }

    /// <summary>The page's year when the caller knows only that.</summary>
    public int? Year { get; init; }

    /// <summary>The date the page's records are filed under when neither <see cref="Date"/> nor a folio gives one.</summary>
    public DateOnly? FallbackDate { get; init; }

    /// <summary>The file's time: the last resort for the year.</summary>
    public DateTimeOffset? FileTime { get; init; }

    /// <summary>Column names printed above headlines (or before them on the same line).</summary>
    public IReadOnlyList<string> KnownKickers { get; init; } = DefaultKickers;

    /// <summary>
    /// A block of text that follows a paragraph ending mid-sentence is glued to it (a column jump) unless the block
    /// is at least this long and its character pairs are almost disjoint from the article's so far (Jaccard
    /// similarity below <see cref="FragmentOverlap"/>); then it is text continued from another page and becomes
    /// its own record. On the seed pages real column jumps score 0.034 and up, the foreign fragment 0.018.
    /// </summary>
    public int MinFragmentChars { get; init; } = 80;

    public double FragmentOverlap { get; init; } = 0.025;

    /// <summary>None: kickers are recognized by where they stand and how long they are, not by name.</summary>
    public static readonly IReadOnlyList<string> DefaultKickers = [];
}

/// <summary>Everything a page yielded.</summary>
public sealed record ParsedPage
{
    /// <summary>Articles, continuations and notices in page order.</summary>
    public required IReadOnlyList<Article> Articles { get; init; }

    /// <summary>The first section banner on the page (e.g. 社区·民生), if any.</summary>
    public string? Section { get; init; }

    /// <summary>The first editor line on the page (责任编辑:…), if any.</summary>
    public string? Editor { get; init; }

    /// <summary>Publication date used for datelines such as 近日, and how it was found.</summary>
    public DateOnly? PageDate { get; init; }

    public string? PageDateSource { get; init; }

    /// <summary>The page's date (caller's or folio's) and path: the store files the page's records under it.</summary>
    public string PageKey { get; init; } = "";

    /// <summary>For each record, the id the first id scheme gave it (to replace rows stored under that scheme).</summary>
    public IReadOnlyList<string> LegacyIds { get; init; } = [];

    /// <summary>Things a person should look at: "line N: …".</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}
