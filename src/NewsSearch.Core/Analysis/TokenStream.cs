namespace NewsSearch.Core.Analysis;

/// <summary>What kind of token a tokenizer produced; shown by the analyze tools, used by filters.</summary>
public enum TokenType : byte
{
    /// <summary>A CJK word from the dictionary or the HMM.</summary>
    Word,
    /// <summary>A dictionary word found inside a longer word (emitted at the same position as the long word).</summary>
    SubWord,
    /// <summary>Two adjacent CJK characters (gram fields).</summary>
    Bigram,
    /// <summary>A single CJK character.</summary>
    Unigram,
    /// <summary>Latin letters (lowercased), possibly mixed with digits.</summary>
    Latin,
    /// <summary>Digits, decimals, dates.</summary>
    Number,
    /// <summary>Anything else that is kept (e.g. a character outside the BMP).</summary>
    Other,
}

/// <summary>
/// Lucene-style token stream, reusable: <see cref="SetText"/> then <see cref="IncrementToken"/> until false.
/// The current token's attributes live in fields so that producing a token allocates nothing.
/// Offsets are UTF-16 indexes into the original text handed to <see cref="SetText"/>; no filter changes them.
/// A stream is not thread-safe; create one per thread (analyzers are thread-safe factories).
/// </summary>
public abstract class TokenStream
{
    private char[] _termBuffer = new char[32];

    /// <summary>Length of the current term in <see cref="TermBuffer"/>.</summary>
    public int TermLength { get; protected set; }

    /// <summary>The current term (normalized form: NFKC, lowercase).</summary>
    public ReadOnlySpan<char> Term => _termBuffer.AsSpan(0, TermLength);

    /// <summary>Raw buffer; valid up to <see cref="TermLength"/>.</summary>
    protected char[] TermBuffer => _termBuffer;

    /// <summary>UTF-16 index of the token's first char in the original text.</summary>
    public int StartOffset { get; protected set; }

    /// <summary>UTF-16 index one past the token's last char in the original text.</summary>
    public int EndOffset { get; protected set; }

    /// <summary>1 for a token that follows the previous one, 0 for one stacked on the same position.</summary>
    public int PositionIncrement { get; protected set; } = 1;

    /// <summary>How many positions the token spans (a long word spanning its sub-words may span more than 1).</summary>
    public int PositionLength { get; protected set; } = 1;

    public TokenType Type { get; protected set; }

    /// <summary>Starts the stream over a new text; resets all state.</summary>
    public abstract void SetText(string text);

    /// <summary>Advances to the next token; false at the end.</summary>
    public abstract bool IncrementToken();

    protected void SetTerm(ReadOnlySpan<char> term)
    {
        if (term.Length > _termBuffer.Length)
            _termBuffer = new char[Math.Max(term.Length, _termBuffer.Length * 2)];
        term.CopyTo(_termBuffer);
        TermLength = term.Length;
    }
}

/// <summary>
/// A thread-safe factory of token streams for one field kind (Lucene's Analyzer).
/// </summary>
public abstract class Analyzer
{
    /// <summary>Stable name, e.g. "news-words".</summary>
    public abstract string Name { get; }

    /// <summary>Creates a new reusable stream; the caller keeps it and calls <see cref="TokenStream.SetText"/> per text.</summary>
    public abstract TokenStream CreateTokenStream();
}

/// <summary>
/// Identifies the analysis an index was built with, recorded in every commit so an index built with
/// different analysis is rebuilt or refused, never silently mixed.
/// </summary>
public sealed record AnalysisSignature(string Name, int Version, string DictionaryHash)
{
    public override string ToString() => $"{Name}/v{Version}/{DictionaryHash}";
}
