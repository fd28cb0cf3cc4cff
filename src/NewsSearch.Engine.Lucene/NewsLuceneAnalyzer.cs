using Lucene.Net.Analysis.TokenAttributes;
using LAnalyzer = Lucene.Net.Analysis.Analyzer;
using LTokenizer = Lucene.Net.Analysis.Tokenizer;
using LTokenStream = Lucene.Net.Analysis.TokenStream;
using NsAnalyzer = NewsSearch.Core.Analysis.Analyzer;
using NsTokenStream = NewsSearch.Core.Analysis.TokenStream;
using NsTokenType = NewsSearch.Core.Analysis.TokenType;
using TokenStreamComponents = Lucene.Net.Analysis.TokenStreamComponents;

namespace NewsSearch.Engine.Lucene;

/// <summary>
/// Our analysis chains as one Lucene.Net <see cref="LAnalyzer"/>: each field gets the chain
/// <paramref name="chainOf"/> names, wrapped in a <see cref="NewsLuceneTokenizer"/>. Per-field reuse: Lucene keeps one
/// tokenizer per field per thread and only hands it a new reader per value.
/// </summary>
public sealed class NewsLuceneAnalyzer(Func<string, NsAnalyzer> chainOf) : LAnalyzer(PER_FIELD_REUSE_STRATEGY)
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader) =>
        new(new NewsLuceneTokenizer(chainOf(fieldName).CreateTokenStream(), reader));
}

/// <summary>
/// Adapts one of our reusable token streams to a Lucene <see cref="LTokenizer"/>: the same terms, UTF-16 offsets,
/// position increments (stacked sub-words keep increment 0, holes stay holes) and position lengths. Each term is
/// copied into Lucene's term buffer, so a token allocates nothing; the text is read once per value into a reused
/// buffer (our streams take a string).
/// </summary>
public sealed class NewsLuceneTokenizer : LTokenizer
{
    private readonly NsTokenStream _source;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _positionIncrement;
    private readonly IPositionLengthAttribute _positionLength;
    private readonly ITypeAttribute _type;
    private char[] _read = new char[4096];
    private int _length;

    // One string per token type, so setting the type attribute allocates nothing.
    private static readonly string[] TypeNames = Enum.GetNames<NsTokenType>().Select(n => n.ToLowerInvariant()).ToArray();

    public NewsLuceneTokenizer(NsTokenStream source, TextReader input) : base(input)
    {
        _source = source;
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _positionIncrement = AddAttribute<IPositionIncrementAttribute>();
        _positionLength = AddAttribute<IPositionLengthAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    public override void Reset()
    {
        base.Reset();
        _length = 0;
        int n;
        while ((n = m_input.Read(_read, _length, _read.Length - _length)) > 0)
        {
            _length += n;
            if (_length == _read.Length) Array.Resize(ref _read, _read.Length * 2);
        }
        _source.SetText(new string(_read, 0, _length));
    }

    public override bool IncrementToken()
    {
        ClearAttributes();
        if (!_source.IncrementToken()) return false;
        var term = _source.Term;
        var buffer = _term.ResizeBuffer(term.Length);
        term.CopyTo(buffer);
        _term.SetLength(term.Length);
        _offset.SetOffset(CorrectOffset(_source.StartOffset), CorrectOffset(_source.EndOffset));
        _positionIncrement.PositionIncrement = _source.PositionIncrement;
        _positionLength.PositionLength = Math.Max(1, _source.PositionLength);
        _type.Type = TypeNames[(int)_source.Type];
        return true;
    }

    public override void End()
    {
        base.End();
        int final = CorrectOffset(_length);
        _offset.SetOffset(final, final);
    }
}

/// <summary>
/// One of our reusable token streams as a Lucene <see cref="LTokenStream"/> that is handed the text directly
/// (<see cref="SetText"/>), for a field whose value is this stream: no reader, no copy of the text. It fills only
/// what the indexer reads (term, offsets, position increment); each term is copied into Lucene's term buffer.
/// </summary>
public sealed class NewsLuceneTokenStream : LTokenStream
{
    private readonly NsTokenStream _source;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _positionIncrement;
    private int _length;

    public NewsLuceneTokenStream(NsTokenStream source)
    {
        _source = source;
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _positionIncrement = AddAttribute<IPositionIncrementAttribute>();
    }

    /// <summary>The next value to tokenize (before the indexer's <see cref="LTokenStream.Reset"/>).</summary>
    public void SetText(string text)
    {
        _source.SetText(text);
        _length = text.Length;
    }

    public override bool IncrementToken()
    {
        ClearAttributes();
        if (!_source.IncrementToken()) return false;
        var term = _source.Term;
        term.CopyTo(_term.ResizeBuffer(term.Length));
        _term.SetLength(term.Length);
        _offset.SetOffset(_source.StartOffset, _source.EndOffset);
        _positionIncrement.PositionIncrement = _source.PositionIncrement;
        return true;
    }

    public override void End()
    {
        base.End();
        _offset.SetOffset(_length, _length);
    }
}
